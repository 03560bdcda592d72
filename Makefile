# Shortcuts for scripts/course.py (which also works on Windows, where make is rare).
PYTHON ?= python3

.PHONY: lab test execute lock setup
lab:      ; $(PYTHON) scripts/course.py lab
test:     ; $(PYTHON) scripts/course.py test
execute:  ; $(PYTHON) scripts/course.py execute
lock:     ; $(PYTHON) scripts/course.py lock
setup:    ; $(PYTHON) scripts/course.py setup --dev

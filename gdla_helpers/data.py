"""Small, seeded example data: which words occur in which documents.

Everything here draws from its own ``torch.Generator``: the global random state is never touched,
so calling a helper does not change what ``torch.rand`` gives you next.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from . import _validate

__all__ = ["TopicData", "make_topic_matrix", "make_indicator_matrix"]

# The themes and their words. A topic's words are listed in the order they are used: with
# n_words = 12 and n_topics = 3 each topic gets its first 4 words.
_WORD_BANK = {
    "linear algebra": ["matrix", "vector", "transpose", "eigenvalue", "determinant", "basis",
                       "rank", "inverse"],
    "calculus": ["gradient", "derivative", "chain rule", "integral", "limit", "slope",
                 "tangent", "series"],
    "programming": ["tensor", "python", "loop", "function", "variable", "compiler", "debugger",
                    "library"],
    "statistics": ["mean", "variance", "sample", "estimate", "histogram", "median", "outlier",
                   "likelihood"],
}

# How likely a document is to contain each word of its own topic. Words of other topics appear
# with the (much smaller) probability `noise`.
TOPIC_PROBABILITY = 0.8


@dataclass(frozen=True, eq=False)
class TopicData:
    """A documents × words 0/1 matrix with planted topics, and the labels that explain it.

    Introduced in notebook 01, section "Deep dive: a documents × words matrix with planted topics".

    Fields: matrix: (n_documents, n_words) float tensor, 1 where a word occurs in a document;
    words: the word of each column; topics: the topic names; document_topic: the topic index of
    each row (LongTensor); word_topic: the topic index of each column (LongTensor).
    """

    matrix: torch.Tensor
    words: list[str]
    topics: list[str]
    document_topic: torch.Tensor
    word_topic: torch.Tensor


def _groups(n_items: int, n_groups: int) -> torch.Tensor:
    """Group index of each of n_items, in contiguous blocks of (almost) equal size."""
    return torch.arange(n_items) * n_groups // n_items


def _names(n_words: int, n_topics: int, word_topic: torch.Tensor) -> tuple[list[str], list[str]]:
    """Topic names and word labels: themed words while the bank lasts, generic labels after."""
    bank = list(_WORD_BANK.items())
    per_topic = torch.bincount(word_topic, minlength=n_topics).tolist()
    themed = n_topics <= len(bank) and max(per_topic) <= min(len(w) for _, w in bank)
    if themed:
        topics = [name for name, _ in bank[:n_topics]]
        words = [w for (_, ws), k in zip(bank[:n_topics], per_topic, strict=True) for w in ws[:k]]
    else:
        topics = [f"topic {t}" for t in range(n_topics)]
        words = [f"word {t}.{j}" for t, k in enumerate(per_topic) for j in range(k)]
    return topics, words


def make_topic_matrix(
    n_documents: int = 20,
    n_words: int = 12,
    n_topics: int = 3,
    *,
    seed: int = 0,
    noise: float = 0.05,
    dtype: torch.dtype = torch.float64,
) -> TopicData:
    """A random documents × words 0/1 matrix in which each document is about one planted topic.

    Introduced in notebook 01, section "Deep dive: a documents × words matrix with planted topics".

    Documents and words are split into n_topics contiguous, (almost) equal blocks. A document
    contains each word of its own topic with probability TOPIC_PROBABILITY (0.8) and each other
    word with probability `noise`; every document contains at least one word of its topic. The
    topics are what a truncated SVD (latent semantic analysis) recovers: the top n_topics right
    singular vectors separate the word groups.

    Parameters: n_documents, n_words: matrix size (each at least n_topics); n_topics: number of
    planted topics (at least 1); seed: seeds a private torch.Generator (the global random state
    is untouched); noise: probability of an off-topic word, 0 <= noise < 0.8; dtype: a floating
    point dtype for the matrix. Returns a TopicData.
    """
    n_topics = _validate.count(n_topics, "n_topics", 1)
    n_documents = _validate.count(n_documents, "n_documents", n_topics)
    n_words = _validate.count(n_words, "n_words", n_topics)
    seed = _validate.seed(seed)
    noise = _validate.number(noise, "noise", low=0.0)
    if noise >= TOPIC_PROBABILITY:
        raise ValueError(
            f"noise must be smaller than {TOPIC_PROBABILITY} (the on-topic probability), got "
            f"{noise}; otherwise there is no topic to find"
        )
    _validate.dtype(dtype)

    generator = torch.Generator().manual_seed(seed)
    document_topic = _groups(n_documents, n_topics)
    word_topic = _groups(n_words, n_topics)
    on_topic = document_topic[:, None] == word_topic[None, :]  # (documents, words) bool
    probability = torch.where(on_topic, TOPIC_PROBABILITY, noise)
    matrix = torch.rand(n_documents, n_words, generator=generator, dtype=torch.float64) < probability
    # A document without any word of its own topic says nothing about it: give it one such word.
    for d in torch.nonzero(~(matrix & on_topic).any(dim=1)).flatten().tolist():
        own = torch.nonzero(on_topic[d]).flatten()
        pick = int(torch.randint(len(own), (1,), generator=generator))
        matrix[d, own[pick]] = True
    topics, words = _names(n_words, n_topics, word_topic)
    return TopicData(matrix=matrix.to(dtype), words=words, topics=topics,
                     document_topic=document_topic, word_topic=word_topic)


def make_indicator_matrix(
    n_documents: int = 17, n_words: int = 3, p: float = 0.2, seed: int = 123
) -> torch.Tensor:
    """The source's random 0/1 indicator matrix: which words occur in which documents.

    Introduced in notebook 01, section "Deep dive: a documents × words matrix with planted topics".

    Gives exactly ``torch.manual_seed(seed); (torch.rand(n_documents, n_words) < p).int()``, but
    draws from a private torch.Generator, so the global random state is untouched.

    Parameters: n_documents, n_words: matrix size (at least 1); p: probability that a word occurs
    in a document (0 <= p <= 1); seed: the seed (a non-negative int). Returns an int32 tensor.
    """
    n_documents = _validate.count(n_documents, "n_documents", 1)
    n_words = _validate.count(n_words, "n_words", 1)
    p = _validate.number(p, "p", low=0.0, high=1.0)
    seed = _validate.seed(seed)
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(n_documents, n_words, generator=generator) < p).int()

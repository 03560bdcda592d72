"""Unit tests of gdla_helpers.data: seeded, labelled example matrices."""

import pytest
import torch

import gdla_helpers as gh
from gdla_helpers.data import TOPIC_PROBABILITY


def _separated(vectors: torch.Tensor, groups: torch.Tensor) -> bool:
    """True when every same-group pair of rows is more alike (cosine) than every cross-group pair."""
    unit = vectors / torch.linalg.vector_norm(vectors, dim=1, keepdim=True)
    cosine = unit @ unit.T
    same = groups[:, None] == groups[None, :]
    return bool(cosine[same].min() > cosine[~same].max())


def _nearest_centroid(vectors: torch.Tensor, groups: torch.Tensor) -> bool:
    """True when every row is closer (cosine) to its own group's mean direction than to any other."""
    unit = vectors / torch.linalg.vector_norm(vectors, dim=1, keepdim=True)
    centroids = torch.stack([unit[groups == g].mean(dim=0) for g in range(int(groups.max()) + 1)])
    return bool(((unit @ centroids.T).argmax(dim=1) == groups).all())


def test_indicator_matrix_reproduces_the_source():
    before = torch.random.get_rng_state()
    got = gh.make_indicator_matrix()
    assert torch.equal(torch.random.get_rng_state(), before), "the global RNG must stay untouched"
    torch.manual_seed(123)
    expected = (torch.rand(17, 3) < 0.2).int()
    assert got.dtype == torch.int32 and torch.equal(got, expected)
    # The source's printed matrix: 11 of the 17 documents contain none of the 3 words.
    assert int((got.sum(dim=1) == 0).sum()) == 11
    assert got[:3].tolist() == [[0, 0, 0], [0, 1, 0], [1, 1, 1]]


def test_indicator_matrix_other_arguments():
    torch.manual_seed(7)
    expected = (torch.rand(4, 5) < 0.5).int()
    assert torch.equal(gh.make_indicator_matrix(4, 5, p=0.5, seed=7), expected)
    assert gh.make_indicator_matrix(3, 3, p=0.0).sum() == 0
    assert gh.make_indicator_matrix(3, 3, p=1.0).sum() == 9


def test_topic_matrix_shape_labels_and_types():
    data = gh.make_topic_matrix()
    assert isinstance(data, gh.TopicData)
    assert data.matrix.shape == (20, 12) and data.matrix.dtype == torch.float64
    assert set(data.matrix.unique().tolist()) <= {0.0, 1.0}
    assert len(data.words) == 12 and len(set(data.words)) == 12
    assert data.topics == ["linear algebra", "calculus", "programming"]
    assert data.words[:4] == ["matrix", "vector", "transpose", "eigenvalue"]
    assert data.document_topic.dtype == torch.long and data.word_topic.dtype == torch.long
    assert data.document_topic.tolist() == [0] * 7 + [1] * 7 + [2] * 6
    assert data.word_topic.tolist() == [0] * 4 + [1] * 4 + [2] * 4
    assert "gradient" in data.words and data.word_topic[data.words.index("gradient")] == 1
    with pytest.raises(AttributeError):
        data.words = []  # frozen


def test_topic_matrix_is_seeded_and_leaves_global_rng_alone():
    before = torch.random.get_rng_state()
    a, b = gh.make_topic_matrix(seed=3), gh.make_topic_matrix(seed=3)
    assert torch.equal(torch.random.get_rng_state(), before)
    assert torch.equal(a.matrix, b.matrix)
    assert not torch.equal(a.matrix, gh.make_topic_matrix(seed=4).matrix)


def test_topic_matrix_planted_structure():
    # Averaged over many seeds, on-topic cells are ~TOPIC_PROBABILITY, off-topic ones ~noise.
    on, off = [], []
    for seed in range(50):
        data = gh.make_topic_matrix(seed=seed, noise=0.1)
        mask = data.document_topic[:, None] == data.word_topic[None, :]
        on.append(data.matrix[mask].mean())
        off.append(data.matrix[~mask].mean())
        mine = (data.matrix * mask).sum(dim=1)
        assert (mine >= 1).all(), "every document contains at least one word of its topic"
    assert abs(torch.stack(on).mean() - TOPIC_PROBABILITY) < 0.03
    assert abs(torch.stack(off).mean() - 0.1) < 0.02


@pytest.mark.parametrize("seed", range(10))
def test_svd_recovers_the_topics(seed):
    # Latent semantic analysis (notebook 03): the top-3 singular vectors separate the groups.
    data = gh.make_topic_matrix(seed=seed)
    U, S, Vh = torch.linalg.svd(data.matrix)
    assert _separated(Vh[:3].T, data.word_topic), "words of one topic cluster together"
    assert _nearest_centroid(U[:, :3], data.document_topic), "each document sits with its topic"
    assert S[2] > 1.5 * S[3], "three strong directions, then a gap"


def test_topic_matrix_sizes_dtype_and_generic_labels():
    data = gh.make_topic_matrix(7, 5, 2, dtype=torch.float32, noise=0.0)
    assert data.matrix.shape == (7, 5) and data.matrix.dtype == torch.float32
    assert data.word_topic.tolist() == [0, 0, 0, 1, 1]
    assert data.topics == ["linear algebra", "calculus"]
    mask = data.document_topic[:, None] == data.word_topic[None, :]
    assert data.matrix[~mask].sum() == 0, "noise=0: no off-topic words"
    big = gh.make_topic_matrix(30, 30, 5)  # more than the word bank holds: generic labels
    assert big.topics[0] == "topic 0" and big.words[0] == "word 0.0" and len(set(big.words)) == 30


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: gh.make_topic_matrix(2, 12, 3), ValueError, "n_documents must be >= 3"),
        (lambda: gh.make_topic_matrix(20, 2, 3), ValueError, "n_words must be >= 3"),
        (lambda: gh.make_topic_matrix(n_topics=0), ValueError, "n_topics"),
        (lambda: gh.make_topic_matrix(20.5), ValueError, "n_documents must be a whole number"),
        (lambda: gh.make_topic_matrix(True), TypeError, "n_documents must be a number"),
        (lambda: gh.make_topic_matrix(noise=0.9), ValueError, "noise"),
        (lambda: gh.make_topic_matrix(noise=0.8), ValueError, "smaller than"),
        (lambda: gh.make_topic_matrix(noise=-0.1), ValueError, "noise"),
        (lambda: gh.make_topic_matrix(noise=float("nan")), ValueError, "noise"),
        (lambda: gh.make_topic_matrix(noise="low"), TypeError, "number"),
        (lambda: gh.make_topic_matrix(seed=-1), ValueError, "seed"),
        (lambda: gh.make_topic_matrix(dtype=torch.int64), TypeError, "dtype must be torch.float64 or torch.float32"),
        (lambda: gh.make_indicator_matrix(p=1.5), ValueError, "p must be in \\[0, 1\\]"),
        (lambda: gh.make_indicator_matrix(0, 3), ValueError, "n_documents"),
    ],
)
def test_bad_input_is_explained(call, error, words):
    with pytest.raises(error, match=words):
        call()

import numpy as np
import pytest

from iads.vectors import SMALL_ISIN_PAIRS, finite_or_zero, isin, norm


@pytest.mark.parametrize("shape", [(0, 3), (1, 3), (7, 3), (4, 5, 3), (6, 2), (3,)])
def test_norm_is_numpys_bit_for_bit(shape):
    rng = np.random.default_rng(7)
    a = rng.normal(0.0, 1e4, shape) * rng.choice([1e-6, 1.0, 1e3], shape)
    for keep in (False, True):
        ref = np.linalg.norm(a, axis=-1, keepdims=keep)
        got = norm(a, keepdims=keep)
        assert got.shape == ref.shape
        assert np.array_equal(got, ref)  # equal, not close: results must not move


def test_norm_propagates_nan_like_numpy():
    a = np.array([[3.0, 4.0, 0.0], [np.nan, 1.0, 1.0], [np.inf, 0.0, 0.0]])
    assert np.array_equal(norm(a), np.linalg.norm(a, axis=-1), equal_nan=True)


def test_finite_or_zero_is_nan_to_num():
    a = np.array([[1.0, np.nan, -0.0], [np.inf, -np.inf, 2.5]])
    assert np.array_equal(finite_or_zero(a), np.nan_to_num(a))
    clean = np.array([[1.0, -2.0, 0.0]])
    assert finite_or_zero(clean) is clean  # no copy when nothing is to be replaced
    assert np.array_equal(finite_or_zero(np.zeros((0, 3))), np.zeros((0, 3)))


@pytest.mark.parametrize("n_values, n_pool", [(0, 0), (0, 4), (5, 0), (40, 12), (1, 1), (200, 100)])
def test_isin_is_numpys(n_values, n_pool):
    rng = np.random.default_rng(n_values + 7 * n_pool)
    values = rng.integers(0, 60, n_values)
    pool = rng.integers(0, 60, n_pool)
    got = isin(values, pool)
    assert got.dtype == bool and got.shape == values.shape
    assert np.array_equal(got, np.isin(values, pool))
    assert (n_values * n_pool > SMALL_ISIN_PAIRS) == (n_values == 200)  # both paths covered


def test_any_of_and_all_of_are_the_methods():
    # bool, int and float arrays (NaN counts as true), empty, 2-D, all-true and all-false
    from iads.vectors import all_of, any_of

    rng = np.random.default_rng(9)
    cases = [np.zeros(0, bool), np.zeros((0, 3)), np.ones(5, bool), np.zeros(7, bool)]
    cases += [np.array([0.0, np.nan]), np.array([np.nan]), np.array([0, 0, 3]), np.eye(3)]
    cases += [rng.random(int(rng.integers(1, 40))) < p for p in (0.02, 0.5, 0.98) * 5]
    for a in cases:
        assert any_of(a) is bool(a.any()) and all_of(a) is bool(a.all()), a


def test_filled_is_numpys_full():
    from iads.vectors import filled

    for n, value, dtype in [(0, 1.0, float), (5, np.nan, float), (3, 7, np.int64), (4, 2, np.int8)]:
        got, want = filled(n, value, dtype), np.full(n, value, dtype=dtype)
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(got, want)
    assert filled(2, 3.5).dtype == np.float64


def test_take_rows_is_indexing():
    from iads.vectors import take_rows

    rng = np.random.default_rng(1)
    arrays = [rng.normal(size=(9,)), rng.normal(size=(9, 3)), rng.normal(size=(9, 2, 7, 7))]
    arrays.append(np.asfortranarray(rng.normal(size=(9, 4))))  # not C-ordered
    arrays.append(rng.integers(0, 5, (9, 3)).astype(np.int8))
    indices = [
        np.array([4, 0, 0, 8, -1]),  # repeats, a negative index
        np.array([], dtype=np.int64),
        np.array([2, 3], dtype=np.uint32),
        rng.random(9) < 0.5,  # a mask
        slice(2, 7),
    ]
    for a in arrays:
        for index in indices:
            got, want = take_rows(a, index), a[index]
            np.testing.assert_array_equal(got, want, strict=True)
            if not isinstance(index, slice):
                assert not np.shares_memory(got, a)
    with pytest.raises(IndexError):
        take_rows(arrays[2], np.array([9]))

"""The dataset registry against the offline copies, and the Fashion-MNIST and array loaders.

No test reaches the network: where a download would happen, ``download_url`` is replaced.
"""

import hashlib
import os
import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import torch

from d2lkit.data import (
    DATASETS,
    DataError,
    TensorBatches,
    dataset,
    fashion_mnist_tensors,
    get_fashion_mnist_labels,
    get_path,
    load_array,
    load_data_fashion_mnist,
    registry,
    synthetic_data,
    verify,
)
from d2lkit.data import fashion_mnist as fm


def sha1(path):
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()


def readme_checksums(root):
    """``{"folder/file": {"md5": ..., "sha1": ...}}`` from the table of the data README."""
    rows = re.findall(
        r"^\| ([\w-]+/[\w.-]+) \| \d+ \| ([0-9a-f]{32}) \| ([0-9a-f]{40}) \|",
        (root / "README.md").read_text(),
        re.MULTILINE,
    )
    return {path: {"md5": md5, "sha1": sha1} for path, md5, sha1 in rows}


def serve(monkeypatch, files):
    """Replace downloads by copies of ``files[url]``."""

    def fake_download(url, root, filename=None, md5=None):
        shutil.copyfile(files[url], Path(root) / (filename or url.rsplit("/", 1)[-1]))

    monkeypatch.setattr(registry, "download_url", fake_download)


# --- registry ---------------------------------------------------------------------------------


def test_registry_matches_the_readme_for_every_shared_file(data_root):
    expected = readme_checksums(data_root)
    shared = {p.relative_to(data_root).as_posix() for p in data_root.rglob("*") if p.is_file()} - {
        "README.md"
    }
    assert shared == set(expected)
    registered = {f"{d.folder}/{f.name}": f for d in DATASETS.values() for f in d.files}
    assert set(registered) == shared
    for path, f in registered.items():
        assert f.digest == expected[path][f.algo], path


def test_registry_urls_are_the_official_sources():
    for f in dataset("fashion-mnist").files:
        assert f.url == registry.FASHION_MNIST_URL + f.name
        assert f.algo == "md5"
    assert get_url("timemachine") == "http://d2l-data.s3-accelerate.amazonaws.com/timemachine.txt"
    fra = dataset("fra-eng").file("fra.txt")
    assert fra.url == "http://d2l-data.s3-accelerate.amazonaws.com/fra-eng.zip"
    assert fra.archive_member == "fra-eng/fra.txt"
    assert fra.archive_digest == "94646ad1522d915e7b0f9296181140edcf86a4f5"
    assert set(DATASETS) == {"fashion-mnist", "timemachine", "fra-eng", "kaggle-house", "airfoil"}


def get_url(name):
    (f,) = dataset(name).files
    return f.url


def test_verify_passes_on_the_shared_data(data_root):
    report = verify()
    assert len(report) == sum(len(d.files) for d in DATASETS.values())
    assert all(ok for _, _, ok, _ in report), report
    assert [r.path for r in verify("airfoil")] == [
        str(data_root / "airfoil" / "airfoil_self_noise.dat")
    ]


def test_get_path_reads_the_root_in_place(data_root):
    assert registry.data_root() == data_root
    assert get_path("timemachine") == data_root / "timemachine" / "timemachine.txt"
    assert get_path("fra-eng", "fra.txt") == data_root / "fra-eng" / "fra.txt"
    assert get_path("kaggle-house") == data_root / "kaggle-house"


def test_data_root_defaults_to_the_user_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("D2LKIT_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert registry.data_root() == tmp_path / "d2lkit" / "data"


def test_unknown_names_list_the_known_ones():
    with pytest.raises(DataError, match="unknown dataset 'mnist'.*fashion-mnist.*airfoil"):
        dataset("mnist")
    with pytest.raises(DataError, match="no file 'fra.zip'.*fra.txt"):
        get_path("fra-eng", "fra.zip")
    with pytest.raises(DataError, match="unknown dataset"):
        verify("mnist")


def test_missing_file_offline_names_the_path_and_the_fix(tmp_path, offline):
    expected = tmp_path / "timemachine" / "timemachine.txt"
    with pytest.raises(DataError) as err:
        get_path("timemachine")
    message = str(err.value)
    for part in ("'timemachine'", str(expected), "D2LKIT_DATA", get_url("timemachine"), "OSError"):
        assert part in message
    assert "\n" not in message
    assert offline == [get_url("timemachine")]
    assert list((tmp_path / "timemachine").iterdir()) == []  # no temporary left behind
    (status,) = verify("timemachine")
    assert not status.ok and get_url("timemachine") in status.detail


def test_missing_archive_member_says_what_to_extract(offline):
    with pytest.raises(DataError, match=r"fra-eng\.zip and extract fra-eng/fra\.txt from it to "):
        get_path("fra-eng", "fra.txt")


def test_missing_file_is_downloaded_verified_into_the_root(data_root, tmp_path, monkeypatch):
    monkeypatch.setenv("D2LKIT_DATA", str(tmp_path))
    serve(monkeypatch, {get_url("airfoil"): data_root / "airfoil" / "airfoil_self_noise.dat"})
    path = get_path("airfoil")
    assert path == tmp_path / "airfoil" / "airfoil_self_noise.dat"
    assert sha1(path) == dataset("airfoil").files[0].digest


def test_corrupt_download_is_not_kept(tmp_path, monkeypatch):
    bad = tmp_path / "bad.dat"
    bad.write_bytes(b"<html>Access denied</html>")
    root = tmp_path / "root"
    monkeypatch.setenv("D2LKIT_DATA", str(root))
    serve(monkeypatch, {get_url("airfoil"): bad})
    with pytest.raises(DataError, match=f"sha1 is {sha1(bad)}, expected 76e5be15"):
        get_path("airfoil")
    assert list((root / "airfoil").iterdir()) == []


def test_fra_eng_is_extracted_from_the_zip(data_root, tmp_path, monkeypatch):
    archive = tmp_path / "fra-eng.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("_about.txt", "fra.txt"):
            zf.write(data_root / "fra-eng" / name, f"fra-eng/{name}")
    # The official zip is not available offline: stand a local zip in for it.
    files = tuple(replace(f, archive_digest=sha1(archive)) for f in dataset("fra-eng").files)
    monkeypatch.setitem(DATASETS, "fra-eng", replace(dataset("fra-eng"), files=files))
    root = tmp_path / "root"
    monkeypatch.setenv("D2LKIT_DATA", str(root))
    serve(monkeypatch, {files[0].url: archive})
    assert get_path("fra-eng") == root / "fra-eng"
    assert sorted(p.name for p in (root / "fra-eng").iterdir()) == ["_about.txt", "fra.txt"]
    assert sha1(root / "fra-eng" / "fra.txt") == files[0].digest


def test_corrupt_file_is_reported_and_left_untouched(data_root, tmp_path, offline):
    path = tmp_path / "timemachine" / "timemachine.txt"
    path.parent.mkdir()
    shutil.copyfile(data_root / "timemachine" / "timemachine.txt", path)
    assert get_path("timemachine") == path
    data = bytearray(path.read_bytes())
    data[1000] ^= 0xFF
    path.write_bytes(data)
    os.utime(path, ns=(0, 0))  # a new mtime even on a coarse clock: the file must be hashed again
    actual = sha1(path)
    with pytest.raises(DataError) as err:
        get_path("timemachine")
    message = str(err.value)
    assert str(path) in message
    assert actual in message
    assert "090b5e7e70c295757f55df93cb0a180b9691891a" in message
    assert path.read_bytes() == data
    assert offline == []
    (status,) = verify("timemachine")
    assert not status.ok
    assert actual in status.detail


# --- Fashion-MNIST ----------------------------------------------------------------------------


@pytest.mark.parametrize(("train", "n"), [(True, 60000), (False, 10000)])
def test_fashion_mnist_tensors(data_root, train, n):
    images, labels = fashion_mnist_tensors(train)
    assert images.shape == (n, 28, 28) and images.dtype == torch.uint8
    assert labels.shape == (n,) and labels.dtype == torch.int64
    assert torch.bincount(labels).tolist() == [n // 10] * 10
    assert images.max() == 255
    assert fashion_mnist_tensors(train)[0] is images  # loaded once per process


def test_decompressed_copies_go_to_the_cache(data_root, tmp_path, monkeypatch):
    monkeypatch.setenv("D2LKIT_CACHE", str(tmp_path))
    name = "t10k-labels-idx1-ubyte.gz"
    out = fm._decompressed(name)
    digest = dataset("fashion-mnist").file(name).digest
    assert out == tmp_path / "fashion-mnist" / digest / "t10k-labels-idx1-ubyte"
    assert out.stat().st_size == 10008
    assert [p.name for p in out.parent.iterdir()] == [out.name]


def test_text_labels():
    names = ["t-shirt", "trouser", "pullover", "dress", "coat"]
    names += ["sandal", "shirt", "sneaker", "bag", "ankle boot"]
    assert get_fashion_mnist_labels(torch.arange(10)) == names
    assert get_fashion_mnist_labels([9, 0]) == ["ankle boot", "t-shirt"]


def numbered(n=1000, size=5):
    """Images whose first pixel is their index mod 256, labelled with their index."""
    images = torch.zeros(n, size, size, dtype=torch.uint8)
    images[:, 0, 0] = torch.arange(n) % 256
    return images, torch.arange(n)


def epoch_labels(batches):
    return torch.cat([y for _, y in batches])


def test_batches_shapes_and_values():
    images, labels = numbered()
    batches = TensorBatches(images, labels, 64)
    assert (len(batches), batches.num_examples, batches.batch_size) == (16, 1000, 64)
    out = list(batches)
    assert len(out) == 16
    X, y = out[0]
    assert X.shape == (64, 1, 5, 5) and X.dtype == torch.float32
    assert y.shape == (64,) and y.dtype == torch.int64
    assert out[-1][0].shape == (1000 - 15 * 64, 1, 5, 5)
    torch.testing.assert_close(torch.cat([X for X, _ in out]), images.unsqueeze(1) / 255)
    assert torch.equal(epoch_labels(out), labels)


def test_shuffled_epochs_cover_every_example_once_in_new_orders():
    batches = TensorBatches(*numbered(), 64, shuffle=True, seed=0)
    first, second = epoch_labels(batches), epoch_labels(batches)
    assert torch.equal(first.sort().values, torch.arange(1000))
    assert torch.equal(second.sort().values, torch.arange(1000))
    assert not torch.equal(first, second)
    for X, y in batches:  # images travel with their labels
        assert torch.equal((X[:, 0, 0, 0] * 255).round().long(), y % 256)


def test_shuffling_is_reproducible_with_a_seed():
    def two_epochs(**kwargs):
        batches = TensorBatches(*numbered(), 64, shuffle=True, **kwargs)
        return torch.cat([epoch_labels(batches), epoch_labels(batches)])

    assert torch.equal(two_epochs(seed=1), two_epochs(seed=1))
    assert torch.equal(two_epochs(generator=torch.Generator().manual_seed(1)), two_epochs(seed=1))
    assert not torch.equal(two_epochs(seed=1), two_epochs(seed=2))
    torch.manual_seed(3)
    unseeded = two_epochs()
    torch.manual_seed(3)
    assert torch.equal(two_epochs(), unseeded)


def test_limit_and_drop_last():
    batches = TensorBatches(*numbered(), 64, limit=200, drop_last=True)
    assert (batches.num_examples, len(batches)) == (200, 3)
    assert torch.equal(epoch_labels(batches), torch.arange(192))
    with pytest.raises(ValueError, match="limit"):
        TensorBatches(*numbered(), 64, limit=0)


def test_load_data_fashion_mnist_with_resize_and_limit(data_root):
    train_iter, test_iter = load_data_fashion_mnist(32, resize=64, limit=100, seed=0)
    assert (len(train_iter), train_iter.num_examples, test_iter.num_examples) == (4, 100, 100)
    X, y = next(iter(train_iter))
    assert X.shape == (32, 1, 64, 64) and X.dtype == torch.float32
    assert X.min() >= 0 and X.max() <= 1
    assert y.shape == (32,)
    test_images, test_labels = fashion_mnist_tensors(train=False)
    assert torch.equal(epoch_labels(test_iter), test_labels[:100])
    X, _ = next(iter(load_data_fashion_mnist(8, resize=(32, 48))[1]))
    assert X.shape == (8, 1, 32, 48)


def test_load_data_fashion_mnist_full_pass(data_root):
    train_iter, test_iter = load_data_fashion_mnist(256)
    assert (len(train_iter), len(test_iter)) == (235, 40)
    X, y = next(iter(train_iter))
    assert X.shape == (256, 1, 28, 28)
    assert torch.bincount(epoch_labels(train_iter)).tolist() == [6000] * 10


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a GPU")
def test_batches_on_the_gpu():
    batches = TensorBatches(*numbered(), 64, shuffle=True, seed=0, device="cuda")
    assert batches.images.is_cuda
    X, y = next(iter(batches))
    assert X.is_cuda and y.is_cuda
    assert torch.equal(epoch_labels(batches).sort().values.cpu(), torch.arange(1000))


# --- arrays -----------------------------------------------------------------------------------


def test_synthetic_data_statistics():
    torch.manual_seed(0)
    w, b = torch.tensor([2.0, -3.4]), 4.2
    X, y = synthetic_data(w, b, 10000)
    assert X.shape == (10000, 2) and y.shape == (10000, 1)
    assert X.mean().abs() < 0.05 and (X.std() - 1).abs() < 0.05
    noise = y[:, 0] - X @ w - b
    assert noise.mean().abs() < 1e-3 and (noise.std() - 0.01).abs() < 1e-3
    fit = torch.linalg.lstsq(torch.cat([X, torch.ones(10000, 1)], 1), y).solution[:, 0]
    torch.testing.assert_close(fit, torch.tensor([2.0, -3.4, 4.2]), atol=1e-3, rtol=0)


def test_load_array():
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10)
    ordered = list(load_array((X, y), 4, is_train=False))
    assert [len(yb) for _, yb in ordered] == [4, 4, 2]
    assert torch.equal(torch.cat([Xb for Xb, _ in ordered]), X)
    torch.manual_seed(0)
    shuffled = list(load_array((X, y), 4))
    ys = torch.cat([yb for _, yb in shuffled])
    assert torch.equal(ys.sort().values, y) and not torch.equal(ys, y)
    for Xb, yb in shuffled:
        assert torch.equal(Xb, X[yb])


def test_resize_matches_torchvision(data_root):
    from torchvision.transforms.v2 import functional as TF

    images, _ = fashion_mnist_tensors(train=False)
    X, _ = next(iter(load_data_fashion_mnist(16, resize=(96, 64))[1]))
    expected = TF.resize(images[:16].unsqueeze(1).float() / 255, [96, 64], antialias=True)
    assert torch.equal(X, expected)

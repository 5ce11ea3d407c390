"""The matcher's native engine, a C extension: setuptools' ``ext_modules``, the standard way to
declare one (everything else about the package is in pyproject.toml). A C compiler and the
Python headers are needed to install (docs/query-language.md)."""

from pathlib import Path

from setuptools import Extension, setup

ENGINE = Path("src/newswatch/match/engine")

setup(
    ext_modules=[
        Extension(
            "newswatch.match._engine",
            sources=sorted(path.as_posix() for path in ENGINE.glob("*.c")),
            depends=[(ENGINE / "engine.h").as_posix()],
            extra_compile_args=[
                "-O2", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter",
                "-Wno-missing-field-initializers",
            ],  # fmt: skip
        )
    ]
)

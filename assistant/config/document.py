"""The settings file as a person sees it: where it is, every key with its default and meaning.

The documentation comes from the settings dataclasses themselves (each field's docstring), so
`config show` and `config init` cannot drift from what the code accepts.
"""

from __future__ import annotations

import ast
import inspect
import json
import os
import tempfile
import textwrap
from dataclasses import fields
from pathlib import Path

from assistant.config.settings import CHOICES, RANGES, Settings
from assistant.errors import UserError


def field_docs(cls: type) -> dict[str, str]:
    """The docstring written under each field of a dataclass."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    body = tree.body[0].body  # type: ignore[attr-defined]
    docs = {}
    for node, following in zip(body, body[1:], strict=False):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs[node.target.id] = " ".join(following.value.value.split())
    return docs


def toml_value(value: object) -> str:
    """A Python setting value written as TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string


def document(settings: Settings) -> str:
    """A complete settings file: every key with its value, its meaning and its default."""
    defaults = Settings()
    out = [
        "# cramp-assistant settings. Every key is optional; delete what you do not change.",
        "# Check this file with: cramp-assistant config check",
        "",
        f"# {field_docs(Settings)['data_dir']} Default: {toml_value(defaults.data_dir)}",
        f"data_dir = {toml_value(settings.data_dir)}",
    ]
    for section in fields(Settings):
        if section.name == "data_dir":
            continue
        table = getattr(settings, section.name)
        default_table = getattr(defaults, section.name)
        docs = field_docs(type(table))
        out += ["", f"[{section.name}]"]
        for key in fields(table):
            value = getattr(table, key.name)
            default = getattr(default_table, key.name)
            note = docs.get(key.name, "")
            bounds = RANGES.get((section.name, key.name))
            if bounds and not _says(note, *map(_number, bounds)):
                note += f" Range {_number(bounds[0])} to {_number(bounds[1])}."
            choices = CHOICES.get((section.name, key.name))
            if choices and not _says(note, *(f"`{c}`" for c in choices)):
                note += f" One of: {', '.join(choices)}."
            if value != default:
                note += f" Default: {toml_value(default)}."
            out += [f"# {line}" for line in textwrap.wrap(note.strip(), 96)]
            out.append(f"{key.name} = {toml_value(value)}")
    return "\n".join(out) + "\n"


def write_new(path: Path, settings: Settings) -> None:
    """Write the documented file at `path`, readable by the user alone; never over an old one."""
    if path.exists():
        raise UserError(f"{path} already exists; edit it, or remove it first")
    write_atomically(path, document(settings))


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` (0600) so that a kill or a power cut at any moment leaves either
    the old file or the whole new one: a temporary file, fsync, then one rename."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(name, 0o600)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _number(value: float) -> str:
    return f"{value:g}"


def _says(note: str, *words: str) -> bool:
    """Whether the field's own docstring already states these (its range, its choices)."""
    return all(word in note for word in words)

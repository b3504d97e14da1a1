"""Sentence templates: how people say each intent, in Home Assistant's intent language (hassil).

A template such as `"my <limb> (is|'s) cramping [up]"` stands for every sentence it allows:
`[optional words]`, `(this|that)` alternatives and `<rule>` references to the routine's
`[expansion_rules]`. One set of templates gives everything that hears:

- `sentences(keys)`: every sentence, normalised and enumerated by hassil (the first stage's
  grammar: PocketSphinx's word automaton, Vosk's list; the second opinion's closed set);
- `key_of(text, keys)`: which template a free text (Whisper's transcript) matches, by hassil's
  own matcher after the same normalising (numbers as words, punctuation and fillers dropped).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from hassil import Intents, recognize
from hassil.errors import MissingListError, MissingRuleError
from hassil.expression import Sentence
from hassil.parse_expression import parse_sentence
from hassil.sample import sample_expression

from assistant.dialogue.grammar import Grammar
from assistant.dialogue.text import normalise, readings
from assistant.errors import ConfigError

MAX_SENTENCES = 50_000
"""Sentences of one intent (or kind) enumerated at most; templates that allow more are refused:
a grammar that large accepts nearly anything, and the checks below could not see it whole."""


@dataclass(frozen=True)
class Template:
    """One parsed template of one intent key (`better`, `red_flag:clot`, `trigger`)."""

    key: str
    text: str
    sentence: Sentence
    """hassil's parsed template."""


@dataclass
class Templates:
    """Every intent's templates, parsed and checked; enumerations are cached per key."""

    templates: dict[str, list[Template]]
    rules: dict[str, Sentence]
    """Expansion rules by name, parsed."""
    where: str = ""
    _sentences: dict[str, tuple[str, ...]] = field(default_factory=dict)
    _intents: dict[tuple[str, ...], Intents] = field(default_factory=dict)
    _grammars: dict[tuple[tuple[str, ...], tuple[str, ...]], Grammar] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        """Every intent key, in the routine's order."""
        return list(self.templates)

    def sentences_of(self, key: str) -> tuple[str, ...]:
        """Every sentence the templates of `key` allow, normalised, in template order."""
        found = self._sentences.get(key)
        if found is None:
            found = tuple(dict.fromkeys(self._enumerate(key)))
            self._sentences[key] = found
        return found

    def sentences(self, keys: Iterable[str]) -> list[str]:
        """The sentences of these keys (duplicates once)."""
        return list(dict.fromkeys(s for key in keys for s in self.sentences_of(key)))

    @cached_property
    def by_sentence(self) -> dict[str, str]:
        """Sentence -> the key whose templates allow it (the first, if two do)."""
        out: dict[str, str] = {}
        for key in self.templates:
            for sentence in self.sentences_of(key):
                out.setdefault(sentence, key)
        return out

    def key_of(self, text: str, keys: Iterable[str] | None = None) -> str | None:
        """The key among `keys` (all when None) whose templates match `text`, else None."""
        wanted = list(self.templates) if keys is None else [k for k in keys if k in self.templates]
        for said in readings(text):
            key = self.by_sentence.get(said)
            found = key if key is not None and key in wanted else self._matched(said, wanted)
            if found is not None or key is not None:
                return found  # a sentence of another intent is not read looser
        return None

    def _matched(self, said: str, keys: list[str]) -> str | None:
        intents = self._hassil(tuple(keys))
        result = recognize(said, intents) if intents is not None else None
        return result.intent.name if result is not None else None

    def _hassil(self, keys: tuple[str, ...]) -> Intents | None:
        if not keys:
            return None
        if keys in self._intents:
            return self._intents[keys]
        body = {
            "language": "en",
            "intents": {
                key: {"data": [{"sentences": [_lower(t.text) for t in self.templates[key]]}]}
                for key in keys
            },
            "expansion_rules": {name: _lower(rule.text or "") for name, rule in self.rules.items()},
        }
        intents = Intents.from_dict(body)
        self._intents[keys] = intents
        return intents

    def grammar(self, keys: Iterable[str], confirmed: Iterable[str] = ()) -> Grammar:
        """What may be said when these keys mean something (built once per set of keys); the
        sentences of the `confirmed` keys among them are Grammar.confirmed."""
        wanted = tuple(k for k in dict.fromkeys(keys) if k in self.templates)
        confirmed = set(confirmed)
        asked = tuple(k for k in wanted if k in confirmed)
        grammar = self._grammars.get((wanted, asked))
        if grammar is None:
            grammar = Grammar(
                tuple(self.sentences(wanted)),
                lambda said: self._matched(said, list(wanted)) is not None,
                frozenset(self.sentences(asked)),
            )
            self._grammars[(wanted, asked)] = grammar
        return grammar

    def _enumerate(self, key: str) -> Iterable[str]:
        count = 0
        for template in self.templates[key]:
            for text in _sample(template, self.rules, self.where):
                count += 1
                if count > MAX_SENTENCES:
                    raise ConfigError(
                        self.where,
                        where_of(key),
                        f"templates allowing at most {MAX_SENTENCES:,} sentences "
                        "(fewer optional words or alternatives)",
                    )
                said = normalise(text)
                if said:
                    yield said


def parse_templates(
    by_key: dict[str, tuple[str, ...]], rules: dict[str, str], where: str
) -> Templates:
    """Parse every template (and expansion rule) and enumerate its sentences; ConfigError naming
    the one that cannot be read."""
    parsed_rules: dict[str, Sentence] = {}
    for name, body in rules.items():
        try:
            parsed_rules[name] = parse_sentence(_lower(body), keep_text=True)
        except Exception as err:  # hassil raises several kinds of error for a bad template
            raise ConfigError(where, f"expansion_rules.{name}", f"a template ({err})") from err
    templates: dict[str, list[Template]] = {}
    for key, texts in by_key.items():
        for text in texts:
            try:
                sentence = parse_sentence(_lower(text))
            except Exception as err:
                expected = f"sentence templates ({text!r}: {err})"
                raise ConfigError(where, where_of(key), expected) from err
            templates.setdefault(key, []).append(Template(key, text, sentence))
    result = Templates(templates, parsed_rules, where)
    for key in templates:
        result.sentences_of(key)  # every template readable to the end, now rather than at 3 a.m.
    return result


def overlaps(templates: Templates, keys: Iterable[str]) -> tuple[str, str, str] | None:
    """A sentence that two of these keys both allow, as (sentence, key, other), else None."""
    seen: dict[str, str] = {}
    for key in dict.fromkeys(keys):
        if key not in templates.templates:
            continue
        for sentence in templates.sentences_of(key):
            other = seen.setdefault(sentence, key)
            if other != key:
                return sentence, other, key
    return None


def where_of(key: str) -> str:
    """Where in the routine file the templates of `key` are written."""
    if key == "trigger":
        return "triggers.phrases"
    if key == "trigger_again":
        return "triggers.again"
    if key == "query":
        return "queries.cramps_this_week"
    if key == "not_trigger":
        return "not_triggers.phrases"
    return "intents." + key.replace(":", ".")


def _lower(text: str) -> str:
    return text.lower().replace("\u2019", "'")


def _sample(template: Template, rules: dict[str, Sentence], where: str) -> Iterable[str]:
    """The sentences of one template, as hassil writes them; its errors as ConfigError."""
    try:
        yield from sample_expression(template.sentence.expression, {}, rules)
    except MissingRuleError as err:
        raise ConfigError(
            where, where_of(template.key), f"rules in [expansion_rules] ({err})"
        ) from err
    except MissingListError as err:
        expected = f"words, (alternatives) and <rules>, not {{lists}} ({err})"
        raise ConfigError(where, where_of(template.key), expected) from err
    except RecursionError as err:
        expected = "expansion rules that do not refer to themselves"
        raise ConfigError(where, where_of(template.key), expected) from err

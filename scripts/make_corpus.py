"""Build the development corpus for scripts/bench.py from espeak-ng voices (16 kHz mono WAV).

    .venv/bin/python -m scripts.make_corpus --out corpus            # the full corpus
    .venv/bin/python -m scripts.make_corpus --out corpus --small    # a short one (CI)

Positives, in several voices (male and female) and speeds, clean and in continuous brown (fan)
noise: wordings the routine's templates list (`trigger`, `reply`: the classic trigger phrases,
and sentences drawn from each intent's templates) and wordings written apart from them
(`trigger_paraphrase`, `reply_paraphrase`: scripts/paraphrases.py, which the templates never
read). Triggers go in `positives-<level>.wav`, replies in `replies-<level>.wav`, each reply said
in two voices (the second is its second try, after the narrowed re-prompt).
Negatives: read-aloud talk *about* leg cramps, ordinary speech, short phrases, near-triggers
(past tense, talk about cramps, other senses, near sounds), every reply said alone, and bedroom
noise. Generated, not committed: this script is the fixture. `corpus/manifest.json` describes
every file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import zlib
from pathlib import Path

import numpy as np

from assistant.audio.convert import write_wav
from assistant.dialogue.intents import ASLEEP
from assistant.dialogue.routine_file import load_routine
from scripts import paraphrases
from scripts.speechgen import RATE, add_room, continuous_brown_noise, mix, speak, speech_level

VOICES = ["en-us", "en-us+f2", "en-us+m3", "en+f4", "en-gb", "en+m1"]
RATES = [110, 150, 190]
SNRS: list[float | None] = [None, 15, 5]
REPLY_SNRS: list[float | None] = [15]
GAP = 7.0
"""Seconds of room noise after each trigger clip: the assistant's answer (a chime and the
greeting, about 3 s) and the quiet a trigger must come out of both fit in it."""
REPLY_GAP = 2.5
"""Seconds after each reply clip (replies are heard clip by clip, not by a running night)."""

LISTED_TRIGGERS = [
    "i have a cramp",
    "i've got a cramp",
    "i have a leg cramp",
    "i've got a leg cramp",
    "leg cramp",
    "foot cramp",
    "calf cramp",
    "help my leg",
    "cramp",
    "i have cramp",
    "i've got cramp",
]
"""The trigger phrases the routine listed before it had templates (its templates allow each)."""
LISTED_PER_INTENT = 4
"""Sentences drawn from each intent's templates (the wordings the routine lists)."""

CRAMP_TALK = """
Night leg cramps are sudden, painful tightenings of a muscle, usually in the calf.
They often strike in the small hours and can last from a few seconds to ten minutes.
Many people say they have a cramp at least once a week, and older adults get them most.
If you get a leg cramp, the advice is to straighten the leg and pull your toes towards you.
Standing on a cool floor and putting your weight on the leg can also help the muscle relax.
Some people describe a foot cramp that curls the toes and makes walking difficult.
A cramp in the calf can leave the muscle sore for the rest of the next day.
Doctors do not fully understand why cramps happen at night.
One theory is that muscles are tired, and the nerves that control them misfire.
Sitting for long periods, standing on hard floors, and some medicines are linked to cramps.
Diuretics, statins and some asthma inhalers can make leg cramps more likely.
If you think a medicine is causing your cramps, talk to your doctor or pharmacist.
Do not stop taking a prescribed medicine on your own.
Stretching your calves before bed may reduce how often the cramps come back.
A simple stretch is to stand facing a wall and lean forward with one foot behind you.
Hold the stretch for about ten seconds and repeat it three times on each leg.
Keeping the bed covers loose stops your toes being pushed downwards at night.
Pregnant women often get leg cramps in the later months of pregnancy.
Quinine used to be prescribed for cramps but is no longer recommended for most people.
Magnesium tablets have not been shown to help ordinary night cramps in older adults.
See a doctor if the cramps are frequent, very painful, or disturb your sleep.
A swollen, red or hot leg is not a cramp and needs urgent medical advice.
Our listener Margaret wrote in to say she has a cramp almost every night.
She wakes up, shouts help my leg, and her husband has to help her stand up.
Another listener, John, said his leg cramp started after he took up running.
Today on the programme we are talking about cramp, what causes it, and what helps.
Cramp is one of the most common reasons people wake in the night.
Leg cramps, foot cramps and calf cramps are all the same kind of problem.
The word cramp comes from an old word meaning to squeeze or compress.
Athletes get exercise cramps, which are different from cramps at night.
Drink enough water during the day, and go easy on alcohol and caffeine in the evening.
Some people swear by a spoonful of mustard or pickle juice, but the evidence is thin.
If your cramps started after a change of medicine, mention it at your next appointment.
Keep a diary of when the cramps happen, how long they last, and which leg is affected.
Bring the diary to your doctor, who can check for other causes.
Most night cramps are harmless and stop by themselves.
Now let's take a call from a listener who has had cramps for years.
Hello, yes, I've got a cramp problem, mostly in my right calf, about twice a week.
I have a cramp right now as we speak, it comes and goes, it's not too bad.
The pain is sharp and the muscle feels as hard as a rock.
What I do is flex my foot and rub the muscle until it lets go.
That is a good approach, gently, and only if the leg is not swollen or red.
Thank you for calling, and we hope the cramps ease off soon.
After the break we'll talk about restless legs, which is often confused with cramp.
"""

SHORT_PHRASES = [
    # Said on their own, out of quiet, as a partner or a sleep-talker might: the hardest negatives.
    "and then she said",
    "good night",
    "turn off the light",
    "what time is it",
    "i have a question",
    "leg day",
    "help me",
    "my leg",
    "cramping",
    "i've got a car",
    "help my friend",
    "the lamp",
    "come here",
    "i'm cold",
    "a cup of tea",
    "it's late",
    "never mind",
    "stop it",
    "go to sleep",
    "i love you",
    "where's the cat",
    "i have a cold",
    "my back",
    "foot ball",
]

NEAR_TRIGGERS = [
    # Said on their own: they sound like a trigger or share its words. None may wake it.
    "i have a plan",
    "i've got a cough",
    "a leg of lamb",
    "foot traffic",
    "help yourself",
    "a cramped room",
    "i have a camp",
    "i have a clamp",
    "i've got a lamp",
    "i have a cat",
    "i have a stamp",
    "i have a ramp",
    "leg warmer",
    "leg room",
    "foot note",
    "calf leather",
    "help me up",
    "help my friend",
    "help the dog",
    "i've got a cab",
    "it's a tramp",
    "a crab",
    "the cram school",
    "i have a crown",
    "i had a cramp once",
    "no cramp tonight",
    "cramped for space",
    "i have a card",
    "i have a gram",
    "i have a grandson",
    "a cramp ball",
    "legs crossed",
    "i've got a clue",
    "a camp fire",
    *(n.lower() for n in paraphrases.NEAR_TRIGGERS),
]
"""Short phrases said alone that only sound like a trigger or share its words, or speak of
cramps without having one now."""

ORDINARY_SPEECH = """
Good evening, here is the weather for tomorrow: cloudy at first, with sunny spells later.
The train to the city was late again this morning because of a signal failure.
Could you pass me the remote, I want to see the end of the match.
I'm going to the shop in the morning, do we need milk or bread?
The children have a school trip on Thursday, so remember to sign the form.
Turn the light off when you come to bed, please.
Did you lock the back door and put the cat out?
The dog has been barking at the neighbours' bins all evening.
We should book the holiday soon, before the prices go up.
I read an interesting article about gardening in the autumn.
My sister called, she says the baby is sleeping much better now.
The heating comes on at six, so the house will be warm when we get up.
I can't find my glasses, have you seen them anywhere?
There's a documentary about whales on the other channel at nine.
Let's have pasta tomorrow, and maybe a salad on the side.
The car needs a service before the long drive next month.
I've got a meeting at ten and then lunch with the team.
Help me carry these boxes up to the spare room, would you?
Remember to water the plants while we're away.
That was a lovely dinner, thank you so much.
"""


def sentences(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


def bedroom_noise(seconds: float, rng: np.random.Generator) -> np.ndarray:
    """A fan (brown noise, slowly changing level), a ticking clock, rustles, and breathing."""
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    fan = continuous_brown_noise(n, rng) * 120 * (1 + 0.3 * np.sin(2 * np.pi * t / 300))
    clock = np.zeros(n)
    for i in range(0, n, RATE):
        clock[i : i + 40] = rng.normal(0, 300, 40)
    rustle = np.zeros(n)
    for start in rng.integers(0, max(1, n - RATE), int(seconds / 40)):
        length = int(rng.uniform(0.3, 1.2) * RATE)
        burst = rng.normal(0, rng.uniform(200, 800), length) * np.hanning(length)
        rustle[start : start + length] += burst[: n - start]
    breathing = (
        continuous_brown_noise(n, rng) * 150 * np.clip(np.sin(2 * np.pi * t / 4.5), 0, None) ** 4
    )
    audio = fan + clock + rustle + breathing + rng.normal(0, 30, n)
    return np.clip(audio, -32768, 32767).astype(np.int16)


def listed_replies(routine, rng: np.random.Generator) -> dict[str, list[str]]:
    """For each reply's intent, LISTED_PER_INTENT sentences drawn from its templates (every
    kind). What is heard asleep (triggers, queries, what is not a trigger) is not a reply."""
    templates = routine.templates
    by_intent: dict[str, list[str]] = {}
    for key in templates.keys:
        if key not in ASLEEP:
            by_intent.setdefault(key.split(":")[0], []).extend(templates.sentences_of(key))
    return {
        intent: [str(s) for s in rng.choice(sorted(set(found)), LISTED_PER_INTENT, replace=False)]
        for intent, found in by_intent.items()
    }


def triggers(small: bool) -> list[dict]:
    """Trigger clips: the listed phrases and the paraphrases, apart."""
    items = [{"kind": "trigger", "text": p, "intent": "trigger"} for p in LISTED_TRIGGERS]
    items += [
        {"kind": "trigger_paraphrase", "text": p, "intent": "trigger"} for p in paraphrases.TRIGGERS
    ]
    if small:
        keep = {"i have a cramp", "leg cramp", "help my leg", "i've got a cramp"}
        keep |= set(paraphrases.TRIGGERS[:4])
        items = [i for i in items if i["text"] in keep]
    return items


def replies(routine, small: bool) -> list[dict]:
    """Reply clips: sentences drawn from the templates and the paraphrases, apart."""
    rng = np.random.default_rng(5)
    items = [
        {"kind": "reply", "text": p, "intent": intent}
        for intent, phrases in listed_replies(routine, rng).items()
        for p in phrases
    ]
    items += [
        {"kind": "reply_paraphrase", "text": p, "intent": intent}
        for intent, phrases in paraphrases.REPLIES.items()
        for p in phrases
    ]
    if small:
        intents = {"better", "still_hurts", "gone", "stop", "yes", "no", "repeat", "red_flag"}
        items = [i for i in items if i["intent"] in intents]
        items = [i for n, i in enumerate(items) if n % 3 == 0]
    return items


def _clips(
    items: list[dict], per_item: int, snr: float | None, gap: float, rng: np.random.Generator
) -> tuple[list[np.ndarray], list[dict], list[float]]:
    """Each item said by `per_item` voices (different ones), one after the other."""
    combos = list(itertools.product(VOICES, RATES))
    audio, clips, levels, at = [], [], [], 0.0
    for item in items:
        picks = rng.choice(len(combos), size=per_item, replace=False)
        for attempt, (voice, rate) in enumerate(combos[i] for i in picks):
            speech = speak(item["text"], voice, rate)
            lead = 0.6
            clip = mix(speech, None, rng, lead=lead, tail=gap, floor_rms=0.0)
            levels.append(speech_level(speech))
            # espeak pads its output with silence: the speech is where the samples are loud.
            loud = np.flatnonzero(np.abs(speech) > 0.02)
            clips.append(
                {
                    **item,
                    "voice": voice,
                    "rate": rate,
                    "attempt": attempt + 1,
                    "snr": snr,
                    "start": at,
                    "speech_start": at + lead + loud[0] / RATE,
                    "speech_end": at + lead + (loud[-1] + 1) / RATE,
                    "end": at + len(clip) / RATE,
                }
            )
            audio.append(clip)
            at += len(clip) / RATE
    return audio, clips, levels


def _said_alone(
    spoken: list[tuple[str, tuple[str, int]]], rng: np.random.Generator
) -> tuple[np.ndarray, list[dict]]:
    """Each phrase on its own, out of 2-4 s of quiet, over one continuous fan at 10 dB SNR;
    with where each was said (so a false wake can be named)."""
    pieces, levels, clips, at = [], [], [], 0.0
    for phrase, (voice, rate) in spoken:
        speech = speak(phrase, voice, rate)
        lead = float(rng.uniform(2.0, 4.0))
        pieces.append(mix(speech, None, rng, lead=lead, tail=0.5, floor_rms=0.0))
        levels.append(speech_level(speech))
        end = at + len(pieces[-1]) / RATE
        clips.append(
            {"text": phrase, "voice": voice, "rate": rate, "speech_start": at + lead, "end": end}
        )
        at = end
    fan = float(np.median(levels)) / 10 ** (10 / 20)
    return add_room(np.concatenate(pieces), fan, rng), clips


def file_rng(seed: int, name: str) -> np.random.Generator:
    """The random draws of one file (voices, pauses, noise), its own: a change that makes one
    file longer (a template more among the replies) leaves every other file as it was, so a
    benchmark figure moves only with what changed."""
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def build(out: Path, small: bool, seed: int) -> dict:
    routine = load_routine()
    out.mkdir(parents=True, exist_ok=True)
    combos = list(itertools.product(VOICES, RATES))
    manifest: dict = {"rate": RATE, "positives": {}, "replies": {}, "negatives": []}
    sets = [
        (
            "positives",
            "positives",
            triggers(small),
            2 if small else 4,
            GAP,
            [10] if small else SNRS,
        ),
        (
            "replies",
            "replies",
            replies(routine, small),
            2,
            REPLY_GAP,
            [10] if small else REPLY_SNRS,
        ),
    ]
    for section, name, items, per_item, gap, snrs in sets:
        for snr in snrs:
            label = "clean" if snr is None else f"{snr:g}dB"
            path = out / f"{name}-{label}.wav"
            rng = file_rng(seed, path.name)
            audio, clips, levels = _clips(items, per_item, snr, gap, rng)
            # One fan for the whole file (as in a bedroom), at `snr` below the typical voice.
            fan = 0.0 if snr is None else float(np.median(levels)) / 10 ** (snr / 20)
            write_wav(path, add_room(np.concatenate(audio), fan, rng), RATE)
            manifest[section][label] = {"file": path.name, "clips": clips}
            minutes = clips[-1]["end"] / 60
            print(f"{path.name}: {len(clips)} clips, {minutes:.1f} min", flush=True)

    talk_minutes = 3 if small else 32
    speech_minutes = 1 if small else 10
    noise_minutes = 5 if small else 60
    for name, text, minutes in (
        ("cramp-talk", CRAMP_TALK, talk_minutes),
        ("ordinary-speech", ORDINARY_SPEECH, speech_minutes),
    ):
        pieces, levels, total = [], [], 0.0
        rng = file_rng(seed, f"{name}.wav")
        for i in itertools.count():
            line = sentences(text)[i % len(sentences(text))]
            voice, rate = combos[(i * 7 + i // len(sentences(text))) % len(combos)]
            pause = float(rng.uniform(0.3, 1.2))
            speech = speak(line, voice, rate)
            piece = mix(speech, None, rng, lead=pause, tail=0.2, floor_rms=0.0)
            levels.append(speech_level(speech))
            pieces.append(piece)
            total += len(piece) / RATE
            if total >= minutes * 60:
                break
        path = out / f"{name}.wav"
        fan = float(np.median(levels)) / 10 ** (20 / 20)  # talk heard over a fan at 20 dB SNR
        write_wav(path, add_room(np.concatenate(pieces), fan, rng), RATE)
        manifest["negatives"].append({"file": path.name, "kind": name, "seconds": total})
        print(f"{path.name}: {total / 60:.1f} min", flush=True)
    said_alone = {
        "short-phrases": [(p, c) for p in SHORT_PHRASES for c in combos[:: 6 if small else 1]],
        # Every near-trigger in three voices and speeds (each phrase a different three).
        "near-triggers": [
            (p, combos[(i * 5 + k * 7) % len(combos)])
            for i, p in enumerate(NEAR_TRIGGERS[:: 4 if small else 1])
            for k in range(1 if small else 3)
        ],
        # Every reply wording (listed and not), said outside an episode.
        "replies-alone": [
            (p["text"], combos[i % len(combos)]) for i, p in enumerate(replies(routine, small))
        ],
    }
    for kind, spoken in said_alone.items():
        alone, clips = _said_alone(spoken, file_rng(seed, f"{kind}.wav"))
        write_wav(out / f"{kind}.wav", alone, RATE)
        manifest["negatives"].append(
            {
                "file": f"{kind}.wav",
                "kind": kind,
                "seconds": len(alone) / RATE,
                "n": len(spoken),
                "clips": clips,
            }
        )
        print(f"{kind}.wav: {len(spoken)} phrases, {len(alone) / RATE / 60:.1f} min", flush=True)
    noise = bedroom_noise(noise_minutes * 60, file_rng(seed, "bedroom-noise.wav"))
    write_wav(out / "bedroom-noise.wav", noise, RATE)
    manifest["negatives"].append(
        {"file": "bedroom-noise.wav", "kind": "bedroom-noise", "seconds": len(noise) / RATE}
    )
    print(f"bedroom-noise.wav: {noise_minutes} min", flush=True)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("corpus"))
    parser.add_argument("--small", action="store_true", help="a short corpus for CI")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    build(args.out, args.small, args.seed)


if __name__ == "__main__":
    main()

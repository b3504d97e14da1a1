"""The loop of one night: audio in, gate, recognizer, sequencer, speech out, on one audio clock.

Every engine is passed in, so the same code runs on a microphone and a speaker, on a WAV file,
or on a scripted scenario. Time is the audio clock: samples heard since the start. Work the
assistant does between hearing and answering (decoding, rendering) is measured and added, from
when the frame that ended the utterance came in (a microphone's frames queue up meanwhile), so
that a file run reports the latency a device of this speed would have.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import datetime

import numpy as np

from assistant.audio.chunk import FRAME, RATE, frames
from assistant.audio.echo import EchoCanceller
from assistant.audio.gate import SpeechEnded
from assistant.audio.sinks import AudioSink
from assistant.audio.sources import AudioSource
from assistant.config.preferences import Preferences
from assistant.config.settings import ListeningSettings, SoundSettings
from assistant.dialogue.actions import (
    Action,
    Adjust,
    EndEpisode,
    EnterStep,
    Listen,
    RaiseRedFlag,
    Say,
    Tone,
)
from assistant.dialogue.intents import UNKNOWN, Intent, IntentMatcher
from assistant.dialogue.routine import BARGE_IN_INTENTS, Routine
from assistant.dialogue.sequencer import Sequencer, every_expectation
from assistant.diary.recorder import EpisodeRecorder
from assistant.events import (
    BargedIn,
    EpisodeEnded,
    EventLog,
    IntentHeard,
    ListeningBegan,
    QueryHeard,
    RedFlagRaised,
    StepEntered,
    TriggerHeard,
    VoiceAdjusted,
)
from assistant.night.barge_in import BargeIn, Overheard
from assistant.night.hearing import Began, Ears, Heard
from assistant.night.quiet import QuietBefore
from assistant.night.speech_player import SpeechPlayer
from assistant.night.trigger_wait import PendingTrigger, TriggerWait
from assistant.speech.recognizer import Hypothesis
from assistant.speech.synthesizer import Synthesizer
from assistant.system.watchdog import Watchdog

log = logging.getLogger(__name__)

MAX_BARGE_SECONDS = 1.5
"""Commands said over the assistant are short: longer speech is not one."""
MIN_SPEECH_SECONDS = 0.15
"""Shorter sounds (a click, a creak) do not break the quiet a trigger must come out of."""


def every_line(routine: Routine) -> list[str]:
    """Every line a night can say: the routine's, and the diary keeper's counts and advice."""
    return list(dict.fromkeys(routine.prompts() + EpisodeRecorder.lines(routine.diary)))


class Assistant:
    """Runs the routine against an audio source, speaking into a sink."""

    def __init__(
        self,
        routine: Routine,
        ears: Ears,
        synthesizer: Synthesizer,
        source: AudioSource,
        sink: AudioSink,
        events: EventLog,
        recorder: EpisodeRecorder | None = None,
        watchdog: Watchdog | None = None,
        count_work_time: bool = True,
        preferences: Preferences | None = None,
        sound: SoundSettings | None = None,
        origin: datetime | None = None,
        echo: EchoCanceller | None = None,
    ) -> None:
        """`count_work_time`: put the time spent decoding and rendering on the audio clock, as a
        device lives it; off for scripted replays and repeatable runs, which must come out the
        same every time (the work is then logged with each answer, LineSaid.work).
        `recorder`: the diary's keeper, asked for closing words and "how many this week" (it
        follows the night through the event log, subscribed by whoever wires the night).
        `preferences`: where pace and volume asked for by voice are remembered.
        `sound`: tones, counting, night volume; `origin`: the local time at audio time 0 (the
        night volume needs it); `echo`: the echo canceller barge-in hears through."""
        self.routine = routine
        self.ears = ears
        self.synthesizer = synthesizer
        self.source = source
        self.sink = sink
        self.events = events
        self.listening = ears.listening
        self.count_work_time = count_work_time
        self.recorder = recorder
        self.watchdog = watchdog
        self.preferences = preferences
        self.sound = sound or SoundSettings()
        self.sequencer = Sequencer(routine, self.sound.count_with)
        self.matcher = IntentMatcher(routine)
        self.player = SpeechPlayer(
            synthesizer, sink, events, self.listening.after_speech, self.sound, origin
        )
        # While it speaks, it still hears "stop", "wait" and "repeat" said over it.
        self.barge = BargeIn(routine.barge_in, ears, self.player, echo)
        self._t = 0.0
        self._listen: Listen | None = None
        self._deadline: float | None = None
        self._heard_at = 0.0
        """When the frame that ended the utterance came in (wall clock): work is timed from it."""
        # Asleep: the quiet before the utterance being heard (the trigger's quiet rule), and a
        # trigger heard, held to see whether the speaker goes on.
        self.quiet, self.waiting = QuietBefore(self.listening.silence_before_trigger), TriggerWait()

    def prepare(self, listen_first: bool = False) -> None:
        """Render every line of the night ahead of time, so that answers come at once (with
        `listen_first`, beside the listening: see Synthesizer.prepare)."""
        self.synthesizer.prepare(self.lines(), beside=listen_first)
        # Every grammar the night can need, built now rather than while someone waits.
        for intents, mode in every_expectation(self.routine):
            self.ears.prepare(self.matcher.grammar(intents), mode)

    def lines(self) -> list[str]:
        """Every line this night can say (the diary keeper's only when there is one)."""
        return every_line(self.routine) if self.recorder else self.routine.prompts()

    def run(self) -> None:
        """Listen until the source ends."""
        self._do(self.sequencer.start())
        if self.watchdog:
            self.watchdog.ready()
        # The watchdog is pinged only while audio really flows: a stall stops the pings.
        tick = self.watchdog.tick if self.watchdog else None
        for frame in frames(self.source.blocks(), tick):
            # Work begun at a pause gets the hang-over's time, as on a device (Ears.pace).
            self.ears.pace(self._t)
            self._frame(frame)
            self._t += FRAME / RATE
            self.events.advance(self._t)  # the log and the console in time order
        arrived = time.monotonic()
        for event in self.ears.flush(self._t):
            if isinstance(event, Heard):
                self._utterance_ended(event, arrived)
        pending = self.waiting.release()
        if pending is not None:  # the input ended: nobody went on
            self._take_trigger(pending)
        if self.sequencer.in_episode:  # a recording (or a scenario) that ends mid-episode
            log.warning(
                "the input ended in the middle of an episode (step %s): it is kept as interrupted",
                self.sequencer.step_id,
            )
            self.events.emit(EpisodeEnded(max(self._t, self.player.speech_end), "interrupted"))
            self.events.advance(float("inf"))
        self.sink.close()

    def _frame(self, frame: np.ndarray) -> None:
        t, arrived = self._t, time.monotonic()
        if self.player.speaking(t):
            # The assistant is speaking: it must never answer itself. Only a few commands are
            # heard, over its voice; quiet is counted from when it stops.
            self.ears.reset()
            self.quiet.speaking_until(self.player.quiet_from)
            overheard = self.barge.frame(frame, t)
            if overheard is not None:
                self._overheard(overheard, arrived)
            return
        if self.barge.active:  # it stopped speaking mid-utterance: that was not a command
            self.barge.cancel()
        if self._deadline is not None and t >= self._deadline and not self.ears.in_speech:
            self._heard_at = arrived
            deadline, self._deadline = self._deadline, None
            self._do(self.sequencer.timeout(deadline))
            return
        for event in self.ears.hear(frame, t):
            if isinstance(event, Began):
                dropped = self.waiting.release()
                if dropped is not None:
                    log.info("not taken for a trigger yet: %r (the speaker went on)", dropped.text)
                    self.quiet.went_on()
                self.quiet.began(event.t)
            else:
                self._utterance_ended(event, arrived)
        due = self.waiting.due(t + FRAME / RATE, self.ears.hearing_voice)
        if due is not None:
            self._take_trigger(due)

    def _overheard(self, overheard: Overheard, arrived: float) -> None:
        """Something was said over the assistant: a command stops it at once."""
        self._heard_at = arrived
        hypothesis, ended = overheard.hypothesis, overheard.ended
        self.events.emit(overheard.event)
        if not hypothesis.text or ended.capped or ended.seconds > MAX_BARGE_SECONDS:
            return
        intent = self.matcher.match(hypothesis.text, BARGE_IN_INTENTS)
        if intent.name == UNKNOWN:
            return
        now = self._t
        cut = self.player.stop(now)
        self.barge.stopped()
        self.events.emit(BargedIn(now, intent.name, intent.text, ended.t))
        if intent.name == "repeat":
            self._speak(cut)
        elif self.sequencer.in_episode:
            self.events.emit(IntentHeard(now, intent.name, intent.text, intent.kind))
            self._do(self.sequencer.reply(intent, now))

    def _utterance_ended(self, heard: Heard, arrived: float) -> None:
        self._heard_at = arrived
        hypothesis, ended = heard.hypothesis, heard.ended
        if ended.seconds >= MIN_SPEECH_SECONDS:
            self.quiet.ended(ended.t, ended.seconds)
        mode = heard.event.mode
        self.events.emit(heard.event)
        if mode == "trigger":
            self._maybe_trigger(hypothesis, ended)
            return
        expect = self._listen.expect if self._listen else ()
        if hypothesis.text:
            intent = replace(self.matcher.match(hypothesis.text, expect), sure=hypothesis.sure)
        else:
            intent = Intent(UNKNOWN, "")
        if mode == "hold" and intent.name == UNKNOWN:
            return  # talk during a hold is not a reply: keep holding, keep counting
        self.events.emit(IntentHeard(self._t, intent.name, intent.text, intent.kind))
        self._do(self.sequencer.reply(intent, self._t))

    def _maybe_trigger(self, hypothesis: Hypothesis, ended: SpeechEnded) -> None:
        # A trigger is a short utterance on its own, out of quiet: never words inside long talk,
        # nor a phrase between the commas of someone reading aloud.
        text = hypothesis.text
        again = self.sequencer.soon_after_episode(self._t)
        if not (text and self.matcher.wakes(text, again)) and self.quiet.joined:
            # The sound before it is its beginning: hear them together ("help, ... cramp").
            joined = self.ears.hear_joined()
            if joined is not None and joined.text:
                hypothesis, text = joined, joined.text
                log.info("heard with the sound before it: %r", text)
        if not text:
            if hypothesis.raw or hypothesis.transcript:
                log.info("not taken for a trigger: %s", _why_not_heard(hypothesis, self.ears))
            return
        refused = trigger_refused(text, ended, self.quiet, self.listening, self.matcher, again)
        if refused:
            log.info("not taken for a trigger: %r %s", text, refused)
            return
        if self.matcher.is_query(text):
            if self.recorder is not None:
                self.events.emit(QueryHeard(self._t, text))
                self._do([Say(line) for line in self.recorder.cramps_this_week(self._t)])
            return
        self.waiting.hold(PendingTrigger(text, ended.t, time.monotonic() - self._heard_at, self._t))

    def _take_trigger(self, pending: PendingTrigger) -> None:
        self._heard_at = time.monotonic() - pending.work_left(self._t)
        self.events.emit(TriggerHeard(self._t, pending.text, round(pending.speech_end, 3)))
        self._do(self.sequencer.trigger(self._t))

    # ------------------------------------------------------------------ carrying out actions

    def _do(self, actions: list[Action]) -> None:
        lines: list[str | Tone] = []
        for action in actions:
            if isinstance(action, Say):
                lines.append(action.text)
                continue
            if isinstance(action, Tone):
                lines.append(action)
                continue
            if lines:
                self._speak(lines)
                lines = []
            # Bookkeeping happens when the speech before it has been said.
            now = max(self._t, self.player.speech_end)
            if isinstance(action, Listen):
                self._start_listening(action)
            elif isinstance(action, EnterStep):
                self.events.emit(StepEntered(now, action.id))
            elif isinstance(action, Adjust):
                self._adjust(action, now)
            elif isinstance(action, RaiseRedFlag):
                self.events.emit(RedFlagRaised(now, action.kind))
            elif isinstance(action, EndEpisode):
                self.events.emit(EpisodeEnded(now, action.outcome))
                if self.recorder and action.outcome == "relieved":
                    # Advice about frequency comes when the cramp is over, never during it,
                    # and never after "stop": a person who said stop wants silence.
                    lines += self.recorder.closing_words(now)
        if lines:
            self._speak(lines)

    def _speak(self, lines: list[str | Tone]) -> None:
        # The work since the person stopped talking is time they waited: put it on the clock,
        # or (a repeatable run) log it with the answer.
        self.player.say(lines, self._t, time.monotonic() - self._heard_at, self.count_work_time)
        self._heard_at = time.monotonic()

    def _adjust(self, adjust: Adjust, now: float) -> None:
        """A slower or faster pace, a quieter or louder voice: from the next line on."""
        value = self.player.adjust(adjust.setting, adjust.direction, self.lines(), self.preferences)
        self.events.emit(VoiceAdjusted(now, adjust.setting, value))

    def _start_listening(self, listen: Listen) -> None:
        self._listen = listen
        asleep = listen.mode == "trigger"
        grammar = self.matcher.trigger_grammar() if asleep else self.matcher.grammar(listen.expect)
        self.ears.listen_for(grammar, listen.mode)
        begins = max(self._t, self.player.quiet_from)
        self._deadline = begins + listen.timeout if listen.timeout is not None else None
        self.events.emit(ListeningBegan(begins, listen.mode))


def _why_not_heard(hypothesis: Hypothesis, ears: Ears) -> str:
    """Which stage refused an utterance, in words for -v."""
    if hypothesis.first_score is None:
        bar = getattr(ears.recognizer, "threshold", None)
        where = f" (bar {bar:g})" if bar is not None else ""
        return f"the first stage's score {hypothesis.score:.2f} for {hypothesis.raw!r}{where}"
    margin = getattr(ears.recognizer, "trigger_margin", None)
    bar = f" (bar {margin:g})" if margin is not None else ""
    return (
        f"the second opinion: Whisper heard {hypothesis.transcript!r}, no trigger sentence "
        f"within its margin{bar}: best {hypothesis.score:.2f}"
    )


SLOW_WORD_SECONDS = 0.6
"""A word said slowly (100 words a minute): a long trigger sentence said that slowly, with one
word before it ("ow", "oh"), is as long as the length rule allows it."""


def trigger_seconds(sentence: str, shortest: float) -> float:
    """How long an utterance heard as the trigger `sentence` may be: `shortest`
    (max_trigger_seconds), or the sentence and one word more said slowly, whichever is longer.
    "Ow, my calf is cramping up" at 110 words a minute (3.2 s) and "I have a horrible cramp in
    my leg" were refused at 3 s although Whisper wrote them word for word. Talk with a trigger
    sentence inside it holds more words than the sentence, and is still refused once it runs
    past the time they would take said slowly."""
    return max(shortest, SLOW_WORD_SECONDS * (len(sentence.split()) + 1))


def trigger_refused(
    text: str,
    ended: SpeechEnded,
    quiet: QuietBefore,
    listening: ListeningSettings,
    matcher: IntentMatcher,
    soon_after_episode: bool = False,
) -> str:
    """Which rule refuses `text` as a trigger (in words for -v), or "" when none does.
    `soon_after_episode`: a cramp coming back may be said without the word ("another one")."""
    query = matcher.is_query(text)
    longest = trigger_seconds(text, listening.max_trigger_seconds) + (1.5 if query else 0.0)
    quiet_before, needed = quiet.seconds, listening.silence_before_trigger
    # The length rule is the utterance's own: a short sound taken as its beginning ("Oh no!")
    # does not count, or "Ow! ... my calf is cramping up" at a slow pace is too long.
    if ended.capped or ended.seconds > longest:
        seconds = f"{ended.seconds:.2f} s"
        return f"(the length rule: {seconds} of speech, a trigger is {longest:g} s at most)"
    if quiet_before < needed:
        return (
            f"(the quiet rule: {quiet_before:.2f} s of quiet before it, "
            f"a trigger comes out of {needed:g} s)"
        )
    if not matcher.wakes(text, soon_after_episode):
        if matcher.is_trigger_again(text):
            return "(a cramp coming back: it wakes only soon after an episode you answered in)"
        return "(not a trigger sentence of the routine)"
    return ""

"""Generate seeded synthetic forum corpora for the benchmark (XenForo plain-text copies, optional CSV).

Usage::

    python bench/generate.py --posts 100000 --threads 1000 --seed 1 --out bench/corpora/p100000
    python bench/generate.py --posts 10000 --csv --out /tmp/c10k

What comes out (``--out DIR``):

* ``DIR/txt/thread-NNNNNN.txt``: one XenForo plain-text copy per thread: a "What's new" line, the
  title, then posts separated by a line holding only U+00A0; most posts open with an author block
  (name, optional user title, "Joined", a date, "Messages", a count); about 30% of replies start
  by repeating a paragraph or a few sentences of an earlier post, with no marker, the way a
  browser's select-all copy of a XenForo page does.
* ``DIR/csv/thread-NNNNNN.csv`` (with ``--csv``): the same posts as a table (``thread_id, post_id,
  author, created_at, text, reply_to, title``); kept in its own folder so that a run over
  ``DIR/txt`` never reads both copies.
* ``DIR/corpus.json``: the parameters and counts (posts, threads, quoting posts, posts per
  intended stance, bytes) so a benchmark can check it was given the corpus it asked for.

Every sentence comes from templates written for this benchmark (below), filled from small word
lists. The same ``--seed`` (and sizes) always gives byte-identical files: every random choice is
drawn from ``random.Random`` instances seeded with strings, and no set or dict order that depends
on ``PYTHONHASHSEED`` is ever iterated.

Importable: :func:`generate_corpus` writes a corpus, :func:`labelled_examples` returns labelled
posts (for training the benchmark's naive baseline when the project's authored set is absent).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

GENERATOR_VERSION = "1"
NBSP = "\u00a0"
STANCES = ("pro_us", "pro_ussr", "neutralist", "none")

# --- word lists for the template slots -------------------------------------------------------------
SLOTS: dict[str, tuple[str, ...]] = {
    "pk": ("Pakistan", "Pakistan", "Pakistan", "Karachi", "Rawalpindi", "our establishment", "the Pakistani state"),
    "in": ("India", "India", "New Delhi", "Delhi", "the Indian government", "Indira's India"),
    "us": ("the US", "the USA", "America", "Washington", "the United States", "the Americans",
           "Uncle Sam", "the U.S.", "the West"),
    "su": ("the USSR", "the Soviet Union", "Moscow", "the Soviets", "the Kremlin", "Russia",
           "the U.S.S.R."),
    "pk_leader": ("Ayub Khan", "Liaquat Ali Khan", "Bhutto", "Zia", "Yahya Khan", "Iskander Mirza",
                  "Ghulam Muhammad", "Suhrawardy", "Field Marshal Ayub"),
    "in_leader": ("Nehru", "Indira Gandhi", "Shastri", "Krishna Menon", "Morarji Desai"),
    "us_leader": ("Eisenhower", "Dulles", "Kennedy", "Nixon", "Kissinger", "Reagan", "Truman"),
    "su_leader": ("Stalin", "Khrushchev", "Brezhnev", "Kosygin", "Gromyko", "Andropov", "Molotov"),
    "pact": ("SEATO", "CENTO", "the Baghdad Pact", "the 1954 defence agreement",
             "the 1959 bilateral agreement", "the SEATO and CENTO package"),
    "us_gift": ("PL-480 wheat", "F-86 Sabres", "Patton tanks", "F-104 Starfighters", "development loans",
                "money for Mangla and Tarbela", "Harvard economic advisers", "F-16s", "Stinger missiles",
                "Fulbright scholarships", "C-130 transports", "fertiliser credits"),
    "su_gift": ("the Bhilai steel plant", "MiG-21s", "the Karachi steel mill", "oil exploration teams",
                "rupee-rouble trade", "a veto at the Security Council", "T-72 tanks",
                "the 1971 friendship treaty", "the Bokaro steel works", "cheap tractors",
                "help with the Guddu power station"),
    "event": ("the 1965 war", "the 1971 war", "the U-2 affair", "the Tashkent talks", "the Afghan jihad",
              "the Indus Waters Treaty", "the Bangladesh crisis", "the Simla agreement",
              "the Peshawar airbase episode", "the 1962 border war", "the arms embargo of 1965",
              "the Seventh Fleet business"),
    "decade": ("the fifties", "the sixties", "the seventies", "the eighties", "the early years",
               "the late forties", "the Cold War years"),
    "neutral_ex": ("Egypt under Nasser", "Sukarno's Indonesia", "Tito's Yugoslavia", "Burma", "Ceylon",
                   "Ghana", "Finland", "Austria"),
    "city": ("Lahore", "Karachi", "Peshawar", "Quetta", "Dhaka", "Multan", "Sialkot", "Hyderabad"),
    "book": ("Husain Haqqani's book", "Dennis Kux's history", "the Foreign Office papers",
             "Altaf Gauhar's biography of Ayub", "the declassified cables", "an old Dawn archive",
             "Shuja Nawaz's book", "a Soviet memoir I found"),
    "sport": ("the Test at Lord's", "yesterday's T20", "the hockey final", "the Asia Cup game",
              "the Karachi derby", "last night's ODI"),
    "feeling": ("sad", "frustrating", "funny", "strange", "telling", "depressing", "remarkable"),
}
for _word in ("year",):
    SLOTS[_word] = tuple(str(y) for y in range(1947, 1992))
SLOTS["num"] = tuple(str(n) for n in range(2, 41))

# --- sentence templates, one family per stance (authored for this benchmark) ----------------------------
TEMPLATES: dict[str, tuple[str, ...]] = {
    "pro_us": (
        "Joining {pact} was the smartest call {pk_leader} ever made.",
        "{us} paid for the dams, the roads and half the army in {decade}.",
        "Without {us_gift} from {us}, {pk} would never have got through {event}.",
        "The alliance with {us} kept {pk} armed when {in} had {num} times our resources.",
        "People forget that {us} sent {us_gift} when nobody else would lift a finger.",
        "Siding with {us} in {year} gave {pk} a seat next to the richest economy on earth.",
        "A tie-up with {su} would have turned {pk} into one more grey satellite state.",
        "{su} had nothing to offer in {decade} except slogans and five-year plans.",
        "Look at how the Soviet client states ended up and tell me {pk} chose wrong.",
        "Every serious officer in {year} knew that {us} was the only real partner on offer.",
        "The American connection trained a whole generation of our engineers and economists.",
        "Choosing {us} was about survival, and survival was the right priority in {year}.",
        "{pk_leader} was right to trust {us_leader} over anything {su_leader} promised.",
        "I would take {us_gift} over a lecture from {su} any day of the week.",
        "The western alliance is the reason {pk} had a modern air force by {year}.",
        "Say what you like, but {us} came through for {pk} during {event}.",
        "Godless communism would never have sat well with a Muslim country like {pk}.",
        "If {pk} had gone with {su}, {in} would simply have pocketed the American aid instead.",
        "The partnership with {us} was worth every compromise it demanded of {pk}.",
        "Markets, technology and universities all came from the western side, not from {su}.",
        "{us} gave {pk} {us_gift} and asked for far less than {su} demanded of its friends.",
        "Ask the Afghans how friendship with {su} worked out for them.",
        "Our best years of growth in {decade} came straight out of the American tie-up.",
        "Being in the American camp is the only reason {pk} punched above its weight.",
        "{us_leader} treated {pk_leader} as an equal, which {su_leader} would never have done.",
        "The choice in {year} was between a rich patron and a poor bully, and we picked well.",
        "Nobody who saw what happened in Budapest and Prague would have trusted {su}.",
        "Thanks to {us}, {pk} had {us_gift} while {in} was still queueing for scraps.",
    ),
    "pro_ussr": (
        "{pk} should have accepted the invitation from {su} in {year} instead of flying to {us}.",
        "{in} got {su_gift} from {su} and never had to sell its soul for it.",
        "{us} dropped {pk} the moment {event} started, exactly as it always does.",
        "{su} stood by {in} in {event} while {us} sent nothing but empty promises.",
        "Had we backed {su}, the whole mess on our western border would never have happened.",
        "Every dollar from {us} came with a string tied to our foreign policy.",
        "{su_leader} offered a real partnership and {pk_leader} threw it away for {pact}.",
        "The Soviets built heavy industry for their friends while the Americans built dependence.",
        "Look at {su_gift} and then tell me the Soviet option was worthless.",
        "{pact} brought {pk} nothing but embargoes when it actually mattered.",
        "Moscow was next door and we chose a superpower on the far side of the planet.",
        "{us} used {pk} as a launching pad and walked away in {year}.",
        "{in} played it smart, took {su_gift} from {su} and kept its dignity.",
        "The Peshawar base made us a target and {us} never even said thank you.",
        "{us_leader} treated {pk_leader} like a hired hand and nothing more.",
        "The Kremlin would at least have protected us at the Security Council in {year}.",
        "Siding with {su} would have meant steel mills and power plants instead of training camps.",
        "The Soviet veto saved {in} in {event}, and we could have had that shield too.",
        "Our generals sold {pk} to {us} for {us_gift} and called it strategy.",
        "With {su} behind us, {event} would have ended very differently.",
        "{su} kept every promise it made to {in}, which is more than {us} ever did for us.",
        "The American alliance gave us dictators, sanctions and a drug problem.",
        "Imagine {pk} in {decade} with {su_gift} and a friend in Moscow.",
        "Soviet engineers built things that still work in {in} today.",
        "{us} never trusted {pk} for a single day of the alliance.",
        "Honest friendship with {su} would have cost us far less than {pact} did.",
        "Even {pk_leader} admitted later that the tilt toward {us} was a blunder.",
    ),
    "neutralist": (
        "{pk} should have stayed out of both blocs the way {neutral_ex} tried to.",
        "Non-alignment would have let {pk} take aid from {us} and {su} at the same time.",
        "Picking a superpower in {year} was the mistake, not picking the wrong one.",
        "Both {us} and {su} only ever cared about their own game, never about us.",
        "A neutral {pk} would have had friends in every capital and masters in none.",
        "The spirit of Bandung was the real opening and {pk_leader} let it slip away.",
        "{in} claimed to be non-aligned and still leaned on {su}, so neither of us got it right.",
        "Small countries that married a bloc in {decade} all paid for it later.",
        "Balanced ties with {us}, {su} and China would have served {pk} far better.",
        "The smart move was to stay friendly with everyone and sign nothing with anyone.",
        "Neither superpower was ever a friend, and {pk} should never have treated either as one.",
        "We needed trade and technology, not military pacts with {us} or {su}.",
        "Staying non-aligned like {neutral_ex} would have kept {pk} out of {event}.",
        "The lesson of {decade} is that a poor country gains nothing by joining a camp.",
        "Take wheat from {us}, steel from {su}, and let neither of them write our policy.",
        "Alliances with great powers are loans with interest that a small state cannot repay.",
        "If {pk_leader} had followed the non-aligned line, we would have had room to manoeuvre.",
        "The Non-Aligned Movement was the only club worth joining in {year}.",
        "Playing both sides carefully, as {neutral_ex} did, was a real option for {pk}.",
        "Every bloc treaty {pk} signed in {decade} narrowed its choices instead of widening them.",
        "Equal distance from {us} and {su} is what a sensible foreign office would have chosen.",
        "Independence in {year} should have meant independence from the blocs as well.",
    ),
    "none": (
        "Does anyone have a good source on what really happened in {event}?",
        "{pk_leader} visited {us} in {year}, if I remember correctly.",
        "My grandfather was posted in {city} during {event} and hardly ever spoke about it.",
        "The archives from {decade} are still mostly closed, so much of this is guesswork.",
        "What exactly did {pact} oblige {pk} to do?",
        "I read somewhere that {su_leader} and {pk_leader} only met once in person.",
        "Interesting thread, following it closely.",
        "Could a mod merge this with the older thread about {event}?",
        "Off topic, but {sport} was something else.",
        "Which book are you quoting from there?",
        "There is a long documentary about {event} on YouTube, worth an evening.",
        "Can we keep this civil please, people?",
        "Source for that claim about {year}?",
        "I was reading {book} last week and it covers {decade} in detail.",
        "My uncle in {city} still has newspaper cuttings from {year}.",
        "The maps in {book} are the best I have seen on {event}.",
        "Wasn't {pact} signed in a different year than that?",
        "Honestly this whole period is {feeling} to read about.",
        "Good question, I never thought about it that way.",
        "Please post the link to {book}, I would like to read it.",
        "The weather in {city} today is unbearable, by the way.",
        "How many members of this forum actually lived through {decade}?",
        "I think the title of this thread is a bit misleading.",
        "This is the {num}th thread on this topic this month.",
        "Lol, the usual suspects are here again.",
        "Bookmarking this for the weekend.",
        "Where in {city} could I find {book}?",
        "Nice to see a history thread for a change instead of cricket.",
    ),
}

# Clauses spliced before a sentence's final stop, so that the same opinion is rarely worded twice.
ASIDES = (
    ", especially after {event}",
    ", at least until {year}",
    ", ask anyone from {city}",
    ", as {book} makes clear",
    ", and {in_leader} knew it",
    ", whatever {us_leader} said at the time",
    ", whatever {su_leader} said at the time",
    ", and that was obvious by {year}",
    " in {decade}",
    ", and my family in {city} saw it first hand",
    ", which people in {city} still talk about",
    ", and {num} years later we are still paying",
    ", if you read {book} carefully",
    ", long before {event}",
)
AGREEMENTS = ("Agreed.", "Spot on.", "Well said.", "This.", "+1", "Exactly.", "So true.",
              "Couldn't agree more.", "100%", "Absolutely right.", "Good point.")
HEDGES = ("Honestly, ", "Frankly, ", "In my view, ", "To be fair, ", "Look, ", "Let's be real, ",
          "As far as I can tell, ", "Mind you, ", "For what it's worth, ", "Sadly, ", "Clearly, ")
TAILS = ("", " Simple as that.", " Nobody can deny it.", " History proves it.", " Think about it.",
         " That is my honest take.", " End of story.")
# Opening words that a hedge may lower-case ("Honestly, the alliance ...").
_LOWERABLE = frozenset(("The", "Every", "Our", "Both", "Nobody", "Without", "Siding", "Choosing",
                        "Joining", "Being", "Had", "With", "If", "Imagine", "Honest", "Even",
                        "Staying", "Small", "Neither", "Equal", "Independence", "Playing", "Alliances",
                        "Take", "Picking", "Non-alignment", "A", "Look", "Say", "Thanks", "Markets",
                        "Ask", "People", "Godless", "Wasn't", "There", "What", "Does", "Which"))

TITLES = (
    "Why didn't {pk} ally with {su} after independence?",
    "Was {pact} worth it for {pk}?",
    "{pk}, {us} and {su}: who got it right in {decade}?",
    "Should we have stayed non-aligned like {neutral_ex}?",
    "{event}: where were our allies?",
    "The American alliance, a balance sheet",
    "What if {pk_leader} had gone to Moscow first?",
    "{in} and {su}: a model {pk} should have copied?",
    "Cold War choices of {pk} revisited",
    "Did {us} betray {pk} in {event}?",
)
USER_TITLES = ("Senior Member", "Member", "Elite Member", "Test Player", "Tournament Star",
               "First Class Star", "Banned", "Local Club Star", "Moderator", "Retired")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NAME_HEADS = ("Khan", "Lahori", "Sabre", "Tiger", "Falcon", "Desi", "Karachi", "Indus", "Ravi", "Jhelum",
              "Chenab", "Pindi", "Shaheen", "Cheetah", "Hawk", "Mango", "Chai", "Kebab", "Tarbela",
              "Kolkata", "Mumbai", "Punjabi", "Pathan", "Sindhi", "Baloch", "Dilli", "Azad", "Ghazi",
              "Old", "Red", "Blue", "Green", "Silent", "Wise", "Young", "Cold", "Iron", "Hot")
NAME_TAILS = ("Warrior", "Fan", "Guy", "Bhai", "Sahib", "Boy", "Express", "Watcher", "Reader", "Scholar",
              "Lion", "King", "Baba", "Yaar", "Historian", "Patriot", "Critic", "Pundit", "Wala", "Man")


def fill(template: str, rng: random.Random, *, capitalise: bool = True) -> str:
    """Fill every ``{slot}`` of ``template`` with a random word-list entry."""
    out = []
    rest = template
    while True:
        start = rest.find("{")
        if start < 0:
            out.append(rest)
            break
        end = rest.index("}", start)
        out.append(rest[:start])
        out.append(rng.choice(SLOTS[rest[start + 1 : end]]))
        rest = rest[end + 1 :]
    text = "".join(out)
    return text[0].upper() + text[1:] if capitalise else text


def make_sentence(stance: str, rng: random.Random) -> str:
    """One sentence of the given stance: a filled template, sometimes hedged or with a tail."""
    sentence = fill(rng.choice(TEMPLATES[stance]), rng)
    if stance != "none" and rng.random() < 0.5 and sentence[-1] in ".!?":
        sentence = sentence[:-1] + fill(rng.choice(ASIDES), rng, capitalise=False) + sentence[-1]
    if rng.random() < 0.4:
        sentence = _typo(sentence, rng)
    if stance != "none":
        roll = rng.random()
        if roll < 0.22:
            first = sentence.split(" ", 1)[0]
            if first in _LOWERABLE:
                sentence = sentence[0].lower() + sentence[1:]
            sentence = rng.choice(HEDGES) + sentence
        elif roll < 0.32:
            sentence = sentence + rng.choice(TAILS)
    return sentence


def _typo(sentence: str, rng: random.Random) -> str:
    """Forum noise: swap, double or drop one letter of one lower-case word (names are left alone)."""
    words = sentence.split(" ")
    candidates = [k for k, w in enumerate(words) if len(w) >= 4 and w.isalpha() and w.islower()]
    if not candidates:
        return sentence
    k = rng.choice(candidates)
    word = words[k]
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        word = word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    elif op == 1:
        word = word[:i] + word[i] + word[i:]
    else:
        word = word[:i] + word[i + 1 :]
    words[k] = word
    return " ".join(words)


# --- thread structure ---------------------------------------------------------------------------------
@dataclass
class Author:
    name: str
    title: str | None
    joined: str
    messages: int
    leaning: str  # the stance this author usually takes


@dataclass
class Post:
    author: Author | None
    stance: str
    own: list[list[str]]  # paragraphs of sentences, the post's own words
    quote: str | None = None  # the repeated passage that opens the post, if any
    quoted_index: int | None = None
    created_at: datetime | None = None
    own_text: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.own_text = "\n\n".join(" ".join(p) for p in self.own)

    @property
    def text(self) -> str:
        return self.own_text if self.quote is None else f"{self.quote}\n\n{self.own_text}"


def _author_pool(n: int, seed: int) -> list[Author]:
    rng = random.Random(f"{seed}:authors")
    authors: list[Author] = []
    used: set[str] = set()
    leanings = ("pro_us", "pro_ussr", "neutralist", "none")
    weights = (0.34, 0.30, 0.21, 0.15)
    while len(authors) < n:
        style = rng.random()
        head, tail = rng.choice(NAME_HEADS), rng.choice(NAME_TAILS)
        if style < 0.4:
            name = f"{head}{tail}"
        elif style < 0.7:
            name = f"{head}_{tail}{rng.randint(1, 999)}"
        else:
            name = f"{head} {tail}"
        if name in used:
            name = f"{name}{len(authors)}"
        used.add(name)
        joined = f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2006, 2023)}"
        messages = int(math.exp(rng.uniform(1.0, 10.5)))
        title = rng.choice(USER_TITLES) if rng.random() < 0.6 else None
        authors.append(Author(name, title, joined, messages, rng.choices(leanings, weights)[0]))
    return authors


def _n_sentences(rng: random.Random) -> int:
    """Sentences in a post: many 1-3 sentence posts, a long tail of long ones (mean about 4.4)."""
    roll = rng.random()
    if roll < 0.30:
        return 1
    if roll < 0.52:
        return 2
    if roll < 0.66:
        return 3
    if roll < 0.84:
        return rng.randint(4, 6)
    if roll < 0.96:
        return rng.randint(7, 12)
    return min(60, 13 + int(rng.expovariate(1 / 8)))


def _paragraphs(sentences: list[str], rng: random.Random) -> list[list[str]]:
    out: list[list[str]] = []
    i = 0
    while i < len(sentences):
        size = rng.choice((1, 1, 2, 2, 3, 4))
        out.append(sentences[i : i + size])
        i += size
    return out


def _thread_sizes(posts: int, threads: int, seed: int) -> list[int]:
    """Split ``posts`` over ``threads`` with a long-tailed spread (at least 2 posts each)."""
    if threads < 1 or posts < 2 * threads:
        raise ValueError("need at least 2 posts per thread")
    rng = random.Random(f"{seed}:sizes")
    weights = [rng.lognormvariate(0.0, 0.6) for _ in range(threads)]
    spare = posts - 2 * threads
    scale = spare / sum(weights)
    sizes = [2 + int(w * scale) for w in weights]
    # Hand out the remainder one by one in a seeded order.
    order = list(range(threads))
    rng.shuffle(order)
    k = 0
    while sum(sizes) < posts:
        sizes[order[k % threads]] += 1
        k += 1
    return sizes


def _post_stance(author: Author, phase: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.55:
        return author.leaning
    if roll < 0.80:
        return phase
    return rng.choice(STANCES)


def build_thread(index: int, n_posts: int, seed: int, authors: list[Author], quote_rate: float = 0.30) -> tuple[str, list[Post]]:
    """Return (title, posts) of thread ``index``; deterministic in (seed, index, n_posts)."""
    rng = random.Random(f"{seed}:thread:{index}")
    title = fill(rng.choice(TITLES), rng)
    cast_size = max(2, min(len(authors), int(rng.uniform(3, 12) + n_posts ** 0.6)))
    cast = rng.sample(authors, cast_size)
    activity = [1.0 / (k + 1) ** 0.8 for k in range(cast_size)]  # a few regulars, many occasional posters
    # The debate drifts: two or three phases, each leaning toward one stance.
    phases = [rng.choice(STANCES[:3]) for _ in range(rng.randint(1, 3))]
    start = datetime(2012, 1, 1) + timedelta(days=rng.randint(0, 4000), minutes=rng.randint(0, 1439))
    used: set[str] = set()
    posts: list[Post] = []
    when = start
    for position in range(n_posts):
        author = rng.choices(cast, activity)[0]
        phase = phases[min(len(phases) - 1, position * len(phases) // n_posts)]
        stance = _post_stance(author, phase, rng)
        when = when + timedelta(minutes=int(rng.expovariate(1 / 90)) + 1)
        quote, quoted_index = None, None
        if position > 0 and rng.random() < quote_rate:
            quote, quoted_index = _pick_quote(posts, position, rng)
        if quote is not None and rng.random() < 0.07:
            stance_for_text = "agree"
            own = [[rng.choice(AGREEMENTS)]]
        else:
            stance_for_text = stance
            sentences = []
            for _ in range(_n_sentences(rng)):
                kind = stance if stance == "none" or rng.random() < 0.72 else "none"
                sentence = make_sentence(kind, rng)
                for _retry in range(6):  # keep sentences unique within the thread
                    if sentence not in used:
                        break
                    sentence = make_sentence(kind, rng)
                used.add(sentence)
                sentences.append(sentence)
            own = _paragraphs(sentences, rng)
        show_author = author if rng.random() < 0.9 else None
        post = Post(show_author, stance_for_text, own, quote, quoted_index, when)
        posts.append(post)
    return title, posts


def _pick_quote(posts: list[Post], position: int, rng: random.Random) -> tuple[str | None, int | None]:
    """A paragraph, or a run of 1-3 sentences of one, of an earlier post's own words."""
    for _ in range(4):
        if rng.random() < 0.7:
            source = max(0, position - 1 - int(rng.expovariate(1 / 2.5)))
        else:
            source = rng.randrange(position)
        paragraphs = [p for p in posts[source].own if len(" ".join(p)) >= 30]
        if not paragraphs:
            continue
        paragraph = rng.choice(paragraphs)
        if len(paragraph) == 1 or rng.random() < 0.5:
            return " ".join(paragraph), source
        size = rng.randint(1, min(3, len(paragraph) - 1))
        first = rng.randrange(len(paragraph) - size + 1)
        run = paragraph[first : first + size]
        if max(len(s) for s in run) < 30:
            continue
        return " ".join(run), source
    return None, None


# --- writers --------------------------------------------------------------------------------------------
def xenforo_text(title: str, posts: list[Post]) -> str:
    """The thread as a XenForo plain-text copy."""
    lines = ["What's new", "", title, ""]
    for k, post in enumerate(posts):
        if k:
            lines.append(NBSP)
        a = post.author
        if a is not None:
            lines.append(a.name)
            lines.append("")
            if a.title:
                lines.append(a.title)
            lines.extend(["Joined", a.joined, "Messages", f"{a.messages:,}"])
        lines.append(post.text)
    lines.extend([NBSP, "Back", "Top", ""])
    return "\n".join(lines)


def thread_csv(thread_id: str, title: str, posts: list[Post]) -> str:
    """The thread as a CSV of posts with the canonical column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("thread_id", "post_id", "author", "created_at", "text", "reply_to", "title"))
    for k, post in enumerate(posts):
        writer.writerow(
            (
                thread_id,
                f"p{k}",
                post.author.name if post.author else "",
                post.created_at.strftime("%Y-%m-%dT%H:%M:%SZ") if post.created_at else "",
                post.text,
                f"p{post.quoted_index}" if post.quoted_index is not None else "",
                title if k == 0 else "",
            )
        )
    return buffer.getvalue()


def generate_corpus(
    out: Path, posts: int, threads: int | None = None, seed: int = 1, *, write_csv: bool = False,
    quote_rate: float = 0.30, progress: bool = False,
) -> dict:
    """Write a corpus under ``out`` (see the module docstring) and return its ``corpus.json`` dict."""
    threads = threads or max(1, posts // 100)
    out = Path(out)
    (out / "txt").mkdir(parents=True, exist_ok=True)
    if write_csv:
        (out / "csv").mkdir(parents=True, exist_ok=True)
    sizes = _thread_sizes(posts, threads, seed)
    authors = _author_pool(max(40, min(20000, posts // 40)), seed)
    started = time.perf_counter()
    counts = {"quoting_posts": 0, "agreement_replies": 0, "sentences": 0, "bytes_txt": 0,
              "stance": {s: 0 for s in STANCES}}
    width = max(6, len(str(threads)))
    for index, size in enumerate(sizes):
        title, thread = build_thread(index, size, seed, authors, quote_rate)
        name = f"thread-{index:0{width}d}"
        data = xenforo_text(title, thread).encode("utf-8")
        _write_if_changed(out / "txt" / f"{name}.txt", data)
        counts["bytes_txt"] += len(data)
        if write_csv:
            _write_if_changed(out / "csv" / f"{name}.csv", thread_csv(name, title, thread).encode("utf-8"))
        for post in thread:
            counts["quoting_posts"] += post.quote is not None
            if post.stance == "agree":
                counts["agreement_replies"] += 1
            else:
                counts["stance"][post.stance] += 1
            counts["sentences"] += sum(len(p) for p in post.own)
        if progress and (index + 1) % 500 == 0:
            print(f"  {index + 1}/{threads} threads", file=sys.stderr)
    meta = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "posts": posts,
        "threads": threads,
        "quote_rate": quote_rate,
        "csv": write_csv,
        "largest_thread": max(sizes),
        "smallest_thread": min(sizes),
        **counts,
    }
    (out / "corpus.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    if progress:
        print(f"generated {posts} posts in {threads} threads in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return meta


def _write_if_changed(path: Path, data: bytes) -> None:
    # Regenerating the same corpus must not touch mtimes (a rerun benchmark relies on unchanged files).
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return
    except FileNotFoundError:
        pass
    path.write_bytes(data)


def labelled_examples(n: int, seed: int = 12345) -> list[tuple[str, str]]:
    """``n`` labelled synthetic posts (text, stance) drawn like corpus posts, without quotes."""
    rng = random.Random(f"{seed}:labelled")
    rows = []
    for k in range(n):
        stance = STANCES[k % len(STANCES)]
        sentences = [make_sentence(stance if stance == "none" or rng.random() < 0.75 else "none", rng)
                     for _ in range(_n_sentences(rng))]
        rows.append((" ".join(sentences), stance))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, required=True, help="total posts")
    parser.add_argument("--threads", type=int, default=None, help="thread files (default posts/100)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="output folder (txt/ and csv/ go inside)")
    parser.add_argument("--csv", action="store_true", help="also write one CSV per thread under csv/")
    parser.add_argument("--quote-rate", type=float, default=0.30, help="share of replies that open with a quote")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    meta = generate_corpus(args.out, args.posts, args.threads, args.seed, write_csv=args.csv,
                           quote_rate=args.quote_rate, progress=not args.quiet)
    if not args.quiet:
        print(json.dumps(meta, indent=2, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

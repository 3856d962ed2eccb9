"""A small authored training set shared by the stance tests, and sanity checks on it.

Every example below is an authored post written for these tests (not scraped text). The set is
deliberately tiny: tests check contracts (determinism, calibration, abstention, save/load), not
accuracy, which is measured on the real authored set in docs/stance.md.
"""

from __future__ import annotations

import polars as pl

from discourse import schema

# Authored examples (project's own words), grouped by the stance they express.
PRO_US = [
    "Siding with Washington was the sensible call, the Americans had the money and the arms.",
    "The USA was a far better ally than the Soviet Union could ever have been for Pakistan.",
    "I would pick America over Moscow every time, the aid kept the country alive.",
    "Joining SEATO gave us tanks, wheat and dollars when we had nothing.",
    "The Soviets were no match for the US economically, so the choice was obvious.",
    "If we had not been tied to the US, the country would have fallen apart by now.",
    "Thank God Ayub went with the Americans, the Green Revolution came from there.",
    "American help built our dams and our air force, I have no regrets about that alliance.",
    "The US alliance protected Pakistan from a much bigger neighbour, it was the right decision.",
    "Moscow was godless and broke after the war, Washington was the better bet by miles.",
    "It made perfect sense to side with the West in 1954.",
    "The Americans were generous partners and the Soviets offered nothing comparable.",
    "Choosing the USA over the USSR was the smartest thing our early leaders did.",
    "Uncle Sam delivered, whatever people say now; the Kremlin would have swallowed us.",
    "We were better off with the Americans than we would ever have been with Russia.",
]
PRO_USSR = [
    "We should have gone with the Soviets, they stood by India through every war.",
    "Moscow was the better friend; the Americans dumped us the moment it suited them.",
    "Pakistan should have allied with the USSR, it was right next door.",
    "Had we joined the Soviet camp, we would have avoided the whole Afghan jihad mess.",
    "The Russians never betrayed their allies the way Washington betrayed us in 1965 and 1971.",
    "Choosing America instead of the Soviet Union was the biggest blunder in our history.",
    "Look at India, the Soviet friendship gave them steel mills, jets and a veto in the UN.",
    "The USSR was a far more reliable partner than the United States ever was.",
    "I would take Moscow over Washington any day, at least they kept their word.",
    "Aligning with the Americans was a mistake, the Soviets would have treated us better.",
    "The Soviet Union helped India stand on its own feet, we got sanctions instead.",
    "Our generals should never have trusted the CIA, the Russians were the natural partner.",
    "If Pakistan had gone the Soviet way, we would be richer and far more stable today.",
    "Better relations with the Kremlin would have saved us decades of trouble.",
    "The Soviets backed their friends to the hilt, the US only used us as a base.",
]
NEUTRALIST = [
    "Pakistan should have stayed neutral and kept away from both blocs.",
    "Non-alignment was the only sane policy, neither superpower cared about us.",
    "We should have joined the NAM like Egypt and Indonesia did.",
    "Neither Washington nor Moscow deserved our loyalty, we should have balanced the two.",
    "The best path was to stay out of the Cold War entirely and trade with everyone.",
    "Both superpowers used small countries as pawns, staying non-aligned was wiser.",
    "A neutral Pakistan would have avoided both the American and the Soviet traps.",
    "Keep equal distance from both camps, that is what I would have advised in 1947.",
    "Friendship with both blocs and dependence on neither, that should have been the policy.",
    "We needed our own independent foreign policy, not a patron in either capital.",
    "Stay away from superpower quarrels and look after our own interests.",
    "Non-aligned countries kept their dignity; the aligned ones became battlefields.",
    "I think remaining neutral like Switzerland would have served us best.",
    "Pick no side, sell to both, that is how a small country survives a cold war.",
    "Balance between the blocs was possible, India managed it for two decades.",
]
NONE = [
    "Good thread, thanks for starting it.",
    "The 1965 war began in August and ended with a ceasefire in September.",
    "Can someone post a source for that quote?",
    "Ayub visited Washington in 1961 and Moscow in 1965.",
    "Please keep the cricket banter out of this thread.",
    "I am reading a book on this period, will share notes later.",
    "The treaty was signed in Tashkent in January 1966.",
    "Interesting, I did not know that.",
    "What year did Pakistan join CENTO?",
    "Liaquat Ali Khan was assassinated in 1951 in Rawalpindi.",
    "This is off topic but the match yesterday was great.",
    "The article is from Dawn, published a few years ago.",
    "Let us wait for the historians to weigh in.",
    "The first ambassador arrived in Karachi in 1948.",
    "Welcome to the forum.",
]
EXAMPLES: dict[str, list[str]] = {
    "pro_us": PRO_US,
    "pro_ussr": PRO_USSR,
    "neutralist": NEUTRALIST,
    "none": NONE,
}


def texts_and_labels() -> tuple[list[str], list[str]]:
    """Return every authored example and its stance, interleaved by class."""
    texts, labels = [], []
    for i in range(max(len(v) for v in EXAMPLES.values())):
        for label, items in EXAMPLES.items():
            if i < len(items):
                texts.append(items[i])
                labels.append(label)
    return texts, labels


def authored_frame() -> pl.DataFrame:
    """The examples in the authored CSV layout; one group per five examples of a class."""
    rows = []
    for label, items in EXAMPLES.items():
        for i, text in enumerate(items):
            rows.append({
                "example_id": f"{label}-{i}", "text": text, "stance": label, "sentiment": "",
                "perspective": "test", "era": "cold_war", "group": f"{label}-{i // 5}",
                "source": "authored-test",
            })
    return pl.DataFrame(rows)


def test_examples_cover_every_stance() -> None:
    assert set(EXAMPLES) == set(schema.STANCES)
    assert all(len(v) >= 10 for v in EXAMPLES.values())


def test_examples_are_distinct() -> None:
    texts, _ = texts_and_labels()
    assert len(set(texts)) == len(texts)

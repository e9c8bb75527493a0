"""A seeded generator of news-like articles, so that benchmarks need no downloaded corpus.

Sentences come from templates of conflict reporting that state the inventory's relations
(captured, attacked, supports, leaderOf, fledFrom ...) in every modality (asserted,
reported, hypothetical, negated), with casualty figures and dates, between everyday
background sentences. Actors are drawn from pools of generated names (people, armed
groups, organisations) and real places, with a Zipf-like preference so that a few
actors recur across many articles, as in real news, and cross-article resolution has
real work to do. The same seed always gives the same corpus, byte for byte.

``write_corpus(folder, articles, words)`` writes JSON Lines files of 1,000 articles each;
``python benchmarks/corpus.py OUT --articles N --words W`` does the same from a shell.
``extractions(count)`` skips the text: it draws the records that extraction would produce
(entities, statements of every relation and modality, figures), for benchmarks of the
store and its queries at sizes that parsing could not reach in minutes.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
from collections.abc import Iterator
from datetime import date, timedelta
from itertools import accumulate
from pathlib import Path

from kg.records import MODALITIES, Article, Assertion, Extraction, Figure, LocalEntity


def _names(text: str) -> list[str]:
    """A comma-separated list of names, wrapped over lines."""
    return [name.strip() for name in text.split(",")]


FIRST = _names("""Ahmad, Omar, Karim, Yusuf, Hassan, Samir, Walid, Nabil, Tariq, Faisal, Khaled,
    Rami, Ziad, Amir, Bashir, Jamal, Mahmoud, Adnan, Fadi, Hisham, Layla, Rania, Huda, Nour, Salma,
    Mariam, Dana, Yara, Lina, Amal, John, Peter, Michael, David, Robert, Anna, Maria, Elena, Olga,
    Irina""")
LAST = _names("""Haddad, Khoury, Nasser, Saleh, Rahman, Hamdan, Darwish, Mansour, Qasim, Aziz,
    Haidar, Jaber, Shami, Tamimi, Obeidi, Barakat, Sabbagh, Hariri, Azzam, Kanaan, Morrison,
    Fletcher, Novak, Petrov, Kowalski, Lindqvist, Moreau, Rinaldi, Okafor, Mensah""")
GROUP_FIRST = _names("""Northern, Southern, Eastern, Western, Free, Popular, Revolutionary,
    National, United, Islamic, Democratic, Independent""")
GROUP_SECOND = _names("""Liberation, Resistance, Salvation, Unity, Freedom, Dawn, Victory,
    Mountain, Desert, Valley""")
GROUP_KIND = _names("Front, Brigade, Army, Movement, Forces, Council, Battalion, Alliance")
ORGS = _names("""the United Nations, the Red Crescent, Amnesty International, Human Rights Watch,
    the World Food Programme, the International Committee of the Red Cross, Doctors Without
    Borders, the Arab League, the European Union, the African Union, the World Health
    Organization, UNICEF""")
CITIES = _names("""Aleppo, Homs, Hama, Idlib, Raqqa, Deir ez-Zor, Latakia, Tartus, Daraa, Palmyra,
    Kobani, Manbij, Mosul, Kirkuk, Erbil, Basra, Fallujah, Ramadi, Tikrit, Sulaymaniyah, Tripoli,
    Benghazi, Misrata, Sirte, Khartoum, Omdurman, Nyala, Kassala, Sanaa, Aden, Taiz, Hodeidah,
    Marib, Gaza, Rafah, Khan Younis, Jenin, Nablus, Hebron, Beirut, Sidon, Tyre, Baalbek, Kharkiv,
    Odesa, Mariupol, Kherson, Donetsk, Luhansk, Bakhmut, Avdiivka, Zaporizhzhia, Dnipro, Goma,
    Bukavu, Kismayo, Mogadishu, Timbuktu, Gao, Kidal, Maiduguri, Kandahar, Herat, Kunduz,
    Jalalabad, Mandalay, Lashio, Myitkyina""")
COUNTRIES = _names("""Syria, Russia, Iran, Turkey, Israel, Lebanon, Iraq, Jordan, Egypt, Qatar,
    Yemen, Sudan, Libya, Ukraine, France, Germany, China, India, Pakistan, Afghanistan, Somalia,
    Mali, Nigeria, Ethiopia""")
# Relation -> the pools of its subject and object (see the inventory in ontology/kg.ttl).
RELATIONS = {
    "captured": "gc", "attacked": "gc", "advancedOn": "gc", "withdrewFrom": "gc",
    "controls": "gc", "deployedTo": "kc", "supports": "kg", "opposes": "gg", "criticized": "og",
    "metWith": "pp", "leaderOf": "pg", "memberOf": "pg", "affiliatedWith": "gg", "locatedIn": "ck",
    "fledFrom": "gc", "fledTo": "gc", "killed": "gg", "basedIn": "oc", "livesIn": "pc",
}  # fmt: skip
CLASSES = {"p": "Person", "g": "ArmedGroup", "c": "City", "k": "Country", "o": "Organization"}
MODALITY_WEIGHTS = list(accumulate([60, 25, 10, 5]))  # in the order of MODALITIES
PUBLISHERS = _names("Daily Courier, World Desk, Evening Ledger, Global Wire, The Observer Post")
WEEKDAYS = list(calendar.day_name)
MONTHS = list(calendar.month_name)[1:]

# One template per line; slots: {g} {g2} armed groups, {p} {p2} people, {c} {c2} cities,
# {k} {k2} countries, {o} organisations, {n} a number, {day} a weekday, {date} a date.
EVENTS = """\
{g} captured {c} on {day} after days of heavy fighting.
Fighters of {g} seized control of {c} and raised their flag over the main square.
{c} fell to {g} late on {day}, residents said.
{o} said that {g} had taken the town of {c}.
{g} launched an offensive on {c} early on {day}.
{g} shelled the outskirts of {c} overnight, killing {n} civilians.
Airstrikes by {k} hit positions of {g} near {c}.
{g} advanced toward {c} after breaking through the front line.
Columns of {g} were closing in on {c} by {day} evening.
Government forces withdrew from {c} as {g} approached the city.
{g} retreated from {c} under heavy bombardment.
{g} controls most of the countryside around {c}.
{k} deployed troops to {c} to secure the border crossing.
{k} backs {g} with weapons and money, according to {o}.
{g} is backed by {k}, which has sent military advisers.
{g} seeks to overthrow the government in {k2}.
{p}, the leader of {g}, vowed to continue the fight.
{g} is led by {p}, a former army officer from {c}.
{p} met with {p2} in {c} to discuss a ceasefire.
Delegations of {g} and {g2} held talks with officials from {k} in {c}.
{o} condemned the attack on {c} and called for restraint.
{p} accused {g} of targeting hospitals in {c}.
{p} is a member of {g}, officials said.
{g2} is an offshoot of {g} that split away last year.
Thousands of civilians fled {c} toward {c2}, {o} said.
More than {n} families fled from {c} to {c2} in the past week.
At least {n} people were killed in {c}, according to {o}.
{g} killed {n} soldiers in an ambush near {c}.
{o}, based in {c}, reported that {n} people had been displaced.
{p}, a native of {c}, lives in exile in {c2}.
{c} is a town in {k}, about {n} kilometres from the capital.
{g} may launch an assault on {c} in the coming days, analysts warned.
{g} aims to take {c} before the end of {month}.
If {g} captures {c}, the road to {c2} will be open.
{g} did not capture {c}, despite earlier claims.
{k} denied that it had sent troops to {c}.
{o} said on {day} that {g} had attacked a convoy near {c}.
According to {o}, {g} shelled {c} on {date}.
{p} said {g} would never withdraw from {c}.
"""
BACKGROUND = """\
Prices of bread and fuel have risen sharply in the markets of {c}.
Schools in {c} remained closed for a third week.
Electricity returned to parts of {c} after repairs to the power station.
Aid convoys waited at the border for permission to enter.
Residents described long queues at the few bakeries still open.
The talks are expected to resume next month in a neutral country.
Analysts said the situation on the ground remained fluid.
Hospitals reported shortages of medicine and fuel for generators.
The road between {c} and {c2} was closed for several hours.
Journalists were not allowed to enter the area independently.
Heavy rain slowed the movement of troops and vehicles on {day}.
Local officials called for calm and urged people to stay indoors.
The currency lost a fifth of its value against the dollar in {month}.
Farmers near {c} said they could not reach their fields.
Many families have been displaced more than once since the war began.
Satellite images showed damage to several buildings in the city centre.
"""
HEADLINES = """\
{g} captures {c} as fighting spreads
Thousands flee {c} amid heavy shelling
{k} sends troops to {c} as tensions rise
Talks in {c} end without agreement
{o} warns of crisis in {c}
"""


class Generator:
    """Draws actors and sentences from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        people = [f"{f} {last}" for f in FIRST for last in LAST]
        groups = [f"{a} {b} {c}" for a in GROUP_FIRST for b in GROUP_SECOND for c in GROUP_KIND]
        self.rng.shuffle(people)
        self.rng.shuffle(groups)
        self.pools = {"p": people, "g": groups, "c": CITIES, "k": COUNTRIES, "o": ORGS}
        # Zipf-like: the i-th actor of a pool is drawn with weight 1 / (i + 1).
        self.cumulative = {
            kind: list(accumulate(1 / (i + 1) for i in range(len(pool))))
            for kind, pool in self.pools.items()
        }

    def _pick(self, kind: str, avoid: str | None = None) -> str:
        while True:
            [name] = self.rng.choices(self.pools[kind], cum_weights=self.cumulative[kind])
            if name != avoid:
                return name

    def _fill(self, template: str, published: date) -> str:
        slots: dict[str, str] = {}
        for kind in ("g", "p", "c", "k"):
            slots[kind] = self._pick(kind)
            slots[kind + "2"] = self._pick(kind, avoid=slots[kind])
        slots["o"] = self._pick("o")
        when = published - timedelta(days=self.rng.randrange(1, 6))
        slots.update(
            n=str(self.rng.choice([3, 5, 12, 20, 35, 50, 120, 300, 1500])),
            day=WEEKDAYS[when.weekday()],
            date=f"{MONTHS[when.month - 1]} {when.day}",
            month=MONTHS[published.month - 1],
        )
        sentence = template.format(**slots)
        return sentence[0].upper() + sentence[1:]

    def article(self, number: int, words: int) -> dict[str, str]:
        """One article of about ``words`` words: paragraphs of three to five sentences."""
        published = date(2024, 1, 1) + timedelta(days=number % 366)
        templates = {"events": EVENTS.splitlines(), "background": BACKGROUND.splitlines()}
        paragraphs: list[str] = []
        count = 0
        while count < words:
            sentences = [
                self._fill(self.rng.choice(templates[kind]), published)
                for kind in self.rng.choices(
                    ["events", "background"], [3, 1], k=self.rng.randint(3, 5)
                )
            ]
            paragraphs.append(" ".join(sentences))
            count += sum(len(s.split()) for s in sentences)
        return {
            "id": f"bench-{number:06d}",
            "title": self._fill(self.rng.choice(HEADLINES.splitlines()), published),
            "date": published.isoformat(),
            "publisher": self.rng.choice(PUBLISHERS),
            "text": "\n\n".join(paragraphs),
        }

    def extraction(self, number: int, statements: int = 25) -> Extraction:
        """The records of one article: its entities, ``statements`` assertions, two figures."""
        published = date(2024, 1, 1) + timedelta(days=number % 366)
        local: dict[str, LocalEntity] = {}

        def entity(kind: str) -> str:
            name = self._pick(kind)
            key = "n:" + name.lower()
            local.setdefault(key, LocalEntity(key, name, CLASSES[kind], [name]))
            return key

        assertions: list[Assertion] = []
        figures: list[Figure] = []
        offset = 0
        for _ in range(statements):
            relation = self.rng.choice(list(RELATIONS))
            subject, obj = (entity(kind) for kind in RELATIONS[relation])
            [modality] = self.rng.choices(MODALITIES, cum_weights=MODALITY_WEIGHTS)
            source = entity("o") if modality == "reported" else None
            evidence = f"{local[subject].name} {relation} {local[obj].name}."
            assertions.append(Assertion(
                subject, relation, obj, modality, evidence, offset, offset + len(evidence),
                confidence=round(self.rng.uniform(0.5, 0.95), 2), pattern="verb", source=source,
                source_name=local[source].name if source else None,
                date=(published - timedelta(days=self.rng.randrange(6))).isoformat(),
            ))  # fmt: skip
            offset += len(evidence) + 1
        for measure in ("killed", "displaced"):
            place, source = entity("c"), entity("o")
            evidence = f"{local[source].name} said many were {measure} in {local[place].name}."
            figures.append(Figure(
                measure, float(self.rng.choice([12, 50, 120, 1500])), "at least", "people",
                evidence, offset, offset + len(evidence), place=place, source=source,
                source_name=local[source].name, date=published.isoformat(),
            ))  # fmt: skip
            offset += len(evidence) + 1
        article_id = f"bench-{number:06d}"
        article = Article(
            article_id, "", "synthetic", title=f"Report {number}", date=published.isoformat(),
            publisher=self.rng.choice(PUBLISHERS), content_hash=f"{number:064x}",
        )  # fmt: skip
        return Extraction(article, list(local.values()), [], assertions, figures)


def extractions(count: int, seed: int = 0) -> list[Extraction]:
    generator = Generator(seed)
    return [generator.extraction(number) for number in range(count)]


def articles(count: int, words: int, seed: int = 0) -> Iterator[dict[str, str]]:
    generator = Generator(seed)
    for number in range(count):
        yield generator.article(number, words)


def write_corpus(folder: Path, count: int, words: int, seed: int = 0, per_file: int = 1000) -> int:
    """Write ``count`` articles of about ``words`` words into ``folder``; returns the words."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    handle = None
    for number, item in enumerate(articles(count, words, seed)):
        if number % per_file == 0:
            if handle:
                handle.close()
            handle = (folder / f"corpus-{number // per_file:04d}.jsonl").open("w", encoding="utf-8")
        handle.write(json.dumps(item, ensure_ascii=False) + "\n")
        total += len(item["text"].split())
    if handle:
        handle.close()
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--words", type=int, default=700, help="words per article, about")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    total = write_corpus(args.out, args.articles, args.words, args.seed)
    print(f"{args.articles} articles, {total} words -> {args.out}")


if __name__ == "__main__":
    main()

"""The build: articles -> spaCy docs -> extractions -> resolved entities -> store -> outputs.

Extraction is the expensive step, so each article's ``Extraction`` is cached as JSON under
``<out>/cache`` keyed by its content hash; resolution and RDF writing are recomputed from
the cache, which keeps entity merges and IRIs consistent across the whole corpus. A build
whose inputs and settings are unchanged does nothing but say so.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path

from tqdm import tqdm

from kg.ingest import Limits, Problem, read_articles
from kg.lexicon import ONTOLOGY_DIR, load_lexicon
from kg.nlp import DEFAULT_MODEL
from kg.records import Article, Extraction, LocalEntity
from kg.resolve import resolve

BATCH_SIZE = 16


@dataclass
class BuildConfig:
    """Settings of one build; everything that changes its result is part of the fingerprint."""

    model: str = DEFAULT_MODEL
    workers: int = 1
    min_confidence: float = 0.0
    store: str | None = None  # Oxigraph folder (default <out>/store), "memory", or a SPARQL URL
    executor: str = "local"  # "local" processes, or "dask" on the cluster at ``scheduler``
    scheduler: str | None = None  # tcp://HOST:PORT of a Dask scheduler
    max_bytes: int = Limits.max_bytes
    max_chars: int = Limits.max_chars
    max_sentence_tokens: int = 500
    quiet: bool = False
    html_max_nodes: int = 300

    def extraction_fingerprint(self) -> str:
        """What an article's extraction depends on besides its text: model and rule files."""
        rules = [ONTOLOGY_DIR / name for name in ("lexicon.toml", "gazetteer.toml")]
        digests = (hashlib.sha256(p.read_bytes()).hexdigest() for p in rules)
        keep = [self.model, self.max_sentence_tokens, *digests]
        return hashlib.sha256(json.dumps(keep).encode()).hexdigest()

    def fingerprint(self) -> str:
        """Everything that changes a build's result besides the articles."""
        keep = [self.extraction_fingerprint(), self.min_confidence]
        return hashlib.sha256(json.dumps(keep).encode()).hexdigest()


@dataclass
class BuildReport:
    """What a build did; ``problems`` holds one line per skipped or suspicious input."""

    extracted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    articles: int = 0
    entities: int = 0
    statements: int = 0
    up_to_date: bool = False

    @property
    def skipped(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


# --- extraction, in this process or in worker processes -------------------------------------

_WORKER: dict = {}


def _init_worker(model: str, max_chars: int, max_sentence_tokens: int = 500) -> None:
    from kg.extract import ArticleExtractor
    from kg.nlp import load_pipeline

    nlp = load_pipeline(model, max_length=max_chars + 1, max_sentence_tokens=max_sentence_tokens)
    _WORKER["nlp"] = nlp
    _WORKER["extract"] = ArticleExtractor(nlp, load_lexicon())


def _extract_batch(articles: list[Article]) -> list[Extraction]:
    nlp, extract = _WORKER["nlp"], _WORKER["extract"]
    docs = nlp.pipe((a.text for a in articles), batch_size=BATCH_SIZE)
    return [extract(a, doc) for a, doc in zip(articles, docs, strict=True)]


def _batches(articles: Iterable[Article], size: int) -> Iterator[list[Article]]:
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def extract_articles(articles: Iterable[Article], config: BuildConfig) -> Iterator[Extraction]:
    """Parse and extract articles, streaming; ``workers`` > 1 uses that many processes,
    ``executor="dask"`` the workers of a Dask cluster."""
    if config.executor == "dask":
        from kg.distributed import extract_with_dask

        if not config.scheduler:
            raise ValueError("--executor dask needs --scheduler tcp://HOST:PORT")
        yield from extract_with_dask(articles, config, config.scheduler)
        return
    batches = _batches(articles, BATCH_SIZE)
    if config.workers <= 1:
        _init_worker(config.model, config.max_chars, config.max_sentence_tokens)
        for batch in batches:
            yield from _extract_batch(batch)
        return
    context = get_context("forkserver" if sys.platform != "win32" else "spawn")
    with context.Pool(
        config.workers, _init_worker, (config.model, config.max_chars, config.max_sentence_tokens)
    ) as pool:
        for result in pool.imap(_extract_batch, batches):
            yield from result


# --- the extraction cache ----------------------------------------------------------------------


class Cache:
    """One JSON file per article under ``folder``, written atomically (in memory if None).

    An entry is valid for one content hash and one extraction fingerprint (model + rules):
    editing the lexicon re-extracts every article.
    """

    def __init__(self, folder: Path | None, fingerprint: str = "") -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.memory: dict[str, dict] = {}
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def _path(self, article_id: str) -> Path:
        assert self.folder is not None
        return self.folder / (hashlib.sha1(article_id.encode()).hexdigest() + ".json")

    def get(self, article_id: str, content_hash: str) -> Extraction | None:
        if self.folder is None:
            data = self.memory.get(article_id)
        else:
            path = self._path(article_id)
            data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
        if data is None or data.get("fingerprint") != self.fingerprint:
            return None
        if data["extraction"]["article"]["content_hash"] != content_hash:
            return None
        return Extraction.from_dict(data["extraction"])

    def put(self, ex: Extraction) -> None:
        data = {"fingerprint": self.fingerprint, "extraction": ex.to_dict()}
        if self.folder is None:
            self.memory[ex.article.id] = data
            return
        path = self._path(ex.article.id)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)

    def remove(self, article_id: str) -> None:
        if self.folder is None:
            self.memory.pop(article_id, None)
        else:
            self._path(article_id).unlink(missing_ok=True)


def _progress(items: Iterable, total: int, quiet: bool) -> Iterable:
    return tqdm(items, total=total, unit="article", disable=quiet or not sys.stderr.isatty())


def build(
    paths: Iterable[str | Path], out: str | Path, config: BuildConfig | None = None
) -> BuildReport:
    """Build (or update) the knowledge graph of the articles under ``paths`` into ``out``.

    The store lives in ``out/store`` (or ``config.store``); the exports, the HTML view,
    ``stats.json`` and ``errors.json`` are written next to it.
    """
    from kg.distributed import open_store

    config = config or BuildConfig()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store_path = config.store or str(out / "store")
    with open_store(None if store_path == "memory" else store_path) as store:
        report = build_into(store, paths, out, config, persistent=store_path != "memory")
    _write_errors(out, report)
    return report


def build_into(
    store,
    paths: Iterable[str | Path],
    out: Path | None,
    config: BuildConfig,
    persistent: bool = False,
) -> BuildReport:
    """Read, extract, resolve and store; write outputs into ``out`` unless it is None."""
    from kg.outputs import write_outputs

    report = BuildReport()
    limits = Limits(max_bytes=config.max_bytes, max_chars=config.max_chars)
    articles: list[Article] = []
    for item in read_articles(paths, limits):
        if out is not None and _inside(
            item.path if isinstance(item, Problem) else item.source, out
        ):
            continue  # the output folder inside an input folder is not input
        (report.problems if isinstance(item, Problem) else articles).append(item)

    cache = Cache(out / "cache" if out is not None else None, config.extraction_fingerprint())
    stored = store.article_hashes()
    wanted = {**stored, **{a.id: a.content_hash for a in articles}}
    state = {"articles": wanted, "config": config.fingerprint()}
    manifest = out / "cache" / "manifest.json" if out is not None else None
    previous = manifest.read_text(encoding="utf-8") if manifest and manifest.exists() else None
    if persistent and previous is not None and json.loads(previous) == state:
        stats = store.stats()
        report.unchanged, report.up_to_date, report.articles = sorted(wanted), True, len(wanted)
        report.entities, report.statements = stats["entities"], stats["statements"]
        return report

    todo = [a for a in articles if cache.get(a.id, a.content_hash) is None]
    report.unchanged = sorted({a.id for a in articles} - {a.id for a in todo})
    entities_of: dict[str, list[LocalEntity]] = {}
    # no more processes than batches: starting a worker costs a pipeline load
    workers = min(config.workers, -(-len(todo) // BATCH_SIZE))
    fresh = extract_articles(todo, replace(config, workers=workers)) if todo else iter(())
    for ex in _progress(fresh, len(todo), config.quiet):
        cache.put(ex)
        entities_of[ex.article.id] = ex.entities
        report.extracted.append(ex.article.id)
    for article_id, content_hash in wanted.items():  # earlier builds' articles stay
        if article_id not in entities_of:
            cached = cache.get(article_id, content_hash)
            if cached is not None:
                entities_of[article_id] = cached.entities
    # Two passes keep memory flat in the corpus size: resolution needs only the entity lists,
    # then each article streams from the cache into the store.
    ids = sorted(entities_of)
    entities, iri_of = resolve(_outline(i, entities_of[i]) for i in ids)
    del entities_of
    corpus = (_confident(_cached(cache, i, wanted[i]), config.min_confidence) for i in ids)
    write_store(store, corpus, entities, iri_of)
    stats = store.stats()
    report.articles, report.entities, report.statements = (
        len(ids),
        stats["entities"],
        stats["statements"],
    )
    if out is not None:
        write_outputs(store, out, config)
        if manifest is not None:
            manifest.write_text(json.dumps(state, sort_keys=True), encoding="utf-8")
    return report


def _inside(source: str, folder: Path) -> bool:
    path = Path(source.split("#", 1)[0]).resolve()
    return path.is_relative_to(folder.resolve())


def _outline(article_id: str, entities: list[LocalEntity]) -> Extraction:
    """An article reduced to its entity list: all that resolution reads."""
    return Extraction(Article(id=article_id, text="", source=""), entities, [], [])


def _cached(cache: Cache, article_id: str, content_hash: str) -> Extraction:
    ex = cache.get(article_id, content_hash)
    if ex is None:
        raise RuntimeError(f"{article_id}: its cached extraction vanished during the build")
    return ex


def _confident(ex: Extraction, min_confidence: float) -> Extraction:
    if min_confidence <= 0:
        return ex
    kept = [a for a in ex.assertions if a.confidence >= min_confidence]
    return replace(ex, assertions=kept)


def write_store(store, corpus: Iterable[Extraction], entities, iri_of) -> None:
    """Write every article graph, the entity graph and the direct-triple graph."""
    from rdflib import URIRef

    from kg.rdf import article_quads, direct_quads, entity_quads

    direct = []
    for ex in corpus:
        local = {key: URIRef(iri_of[(ex.article.id, key)]) for key in {e.key for e in ex.entities}}
        store.replace_article(ex.article.id, article_quads(ex, local))
        direct.extend(direct_quads(ex, local))
    store.replace_graph("entities", entity_quads(entities))
    store.replace_graph("direct", direct)
    store.load_ontology()


def _write_errors(out: Path, report: BuildReport) -> None:
    problems = [asdict(p) for p in report.problems]
    (out / "errors.json").write_text(
        json.dumps(problems, indent=2, ensure_ascii=False), encoding="utf-8"
    )


def remove(out: str | Path, ids: Iterable[str], config: BuildConfig | None = None) -> list[str]:
    """Remove articles from the graph in ``out``; returns the ids that were not there."""
    from kg.distributed import open_store

    config = config or BuildConfig()
    out = Path(out)
    cache = Cache(out / "cache", config.extraction_fingerprint())
    with open_store(config.store or out / "store") as store:
        stored = store.article_hashes()
        missing = [i for i in ids if i not in stored]
        for article_id in ids:
            if article_id in stored:
                store.remove_article(article_id)
                cache.remove(article_id)
        (out / "cache" / "manifest.json").unlink(missing_ok=True)
        build_into(store, [], out, config, persistent=True)
    return missing

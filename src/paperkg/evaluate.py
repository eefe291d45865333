"""Scores extractions against a gold set, with the definitions of the project's referee script.

Two kinds of gold are recognized by their records:

* paper gold: ``{"id", "entities": [{"name", "type", "role", "aliases"?}], "urls": [{"url"}]}``;
  detection F1 ignores type, typed F1 needs it, role accuracy is over matched entities,
  URLs are compared without a trailing slash or period;
* span gold: ``{"id", "text", "entities": [{"start", "end", "text", "label"}]}``, scored per
  sentence on one label with strict (equal names) and relaxed (one contains the other) F1.

Names are compared after NFKC, lower-casing, and dropping all but letters and digits.

:func:`evaluate_inputs` is what ``paperkg eval`` runs: extract from the inputs (or K-fold
cross-validate by paper) and score against the gold files.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from paperkg.errors import PaperkgError
from paperkg.keys import referee_key


class GoldError(PaperkgError, ValueError):
    pass


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def to_dict(self) -> dict[str, Any]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), **self.__dict__}


@dataclass
class PaperErrors:
    id: str
    false_positives: list[str] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    wrong_type: list[str] = field(default_factory=list)
    wrong_role: list[str] = field(default_factory=list)
    url_fp: list[str] = field(default_factory=list)
    url_fn: list[str] = field(default_factory=list)

    def empty(self) -> bool:
        return not any(items for _, items in self.kinds())

    def kinds(self) -> list[tuple[str, list[str]]]:
        """Each kind of error (``false_positives``, ``misses`` ...) with its items, in field order."""
        return [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "id"]

    def lines(self) -> list[str]:
        """Printable lines: a ``# id`` heading after a blank line, then one line per kind of error."""
        return [
            f"\n# {self.id}",
            *(f"  {what}: " + "; ".join(items) for what, items in self.kinds() if items),
        ]


def _url_key(u: str) -> str:
    return u.strip().rstrip("./").lower()


def read_gold(path: str) -> list[dict[str, Any]]:
    out = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise GoldError(f"{path}:{n}: invalid JSON ({exc.msg})") from None
                    out.append(_checked_gold(record, f"{path}:{n}"))
    except OSError as exc:
        raise GoldError(f"{path}: cannot read ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise GoldError(f"{path}: not UTF-8 text (is it a gold JSONL file?)") from None
    if not out:
        raise GoldError(f"{path}: no gold records")
    return out


def _checked_gold(record: Any, where: str) -> dict[str, Any]:
    """A gold record as scoring needs it: an object with an id and a list of entity objects."""
    if not isinstance(record, dict):
        raise GoldError(f"{where}: a gold record is a JSON object, not {type(record).__name__}")
    if "id" not in record:
        raise GoldError(f"{where}: gold record has no id")
    entities = record.get("entities", [])
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise GoldError(f"{where}: gold record's entities is not a list of objects")
    if not all("name" in e or "start" in e for e in entities):
        raise GoldError(f"{where}: a gold entity has neither a name nor a span")
    return record


def is_span_gold(gold: list[dict[str, Any]]) -> bool:
    first = gold[0]
    return "text" in first and any("start" in e for g in gold[:50] for e in g.get("entities", []))


def _match(
    gents: Sequence[dict[str, Any]], pents: Iterable[dict[str, Any]]
) -> tuple[dict[int, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The referee's matching of a paper's predicted entities to its gold ones, by name or alias:
    {gold index: the first prediction matching it} and {key: the first prediction of a key that
    matches no gold entity}."""
    index: dict[str, int] = {}
    for i, e in enumerate(gents):
        for k in [referee_key(e["name"]), *(referee_key(a) for a in e.get("aliases", []))]:
            if k:
                index.setdefault(k, i)
    matched: dict[int, dict[str, Any]] = {}
    unmatched: dict[str, dict[str, Any]] = {}
    for e in pents:
        k = referee_key(e.get("name") or e.get("text") or "")
        if not k:
            continue
        if k in index:
            matched.setdefault(index[k], e)
        else:
            unmatched.setdefault(k, e)
    return matched, unmatched


@dataclass
class _Tally:
    """The running counts of :func:`score_papers`."""

    det: Counts = field(default_factory=Counts)
    typed: Counts = field(default_factory=Counts)
    urls: Counts = field(default_factory=Counts)
    role_ok: int = 0
    role_n: int = 0


def _score_paper(g: dict[str, Any], p: dict[str, Any], tally: _Tally) -> PaperErrors:
    """Add one paper's counts to ``tally``; returns its errors."""
    err = PaperErrors(str(g["id"]))
    gents = g.get("entities", [])
    matched, unmatched = _match(gents, p.get("entities", []))
    err.false_positives = [f"{e.get('name')} [{e.get('type')}]" for e in unmatched.values()]
    tally.det.tp += len(matched)
    tally.det.fp += len(unmatched)
    tally.det.fn += len(gents) - len(matched)
    ok_type = 0
    for i, e in matched.items():
        if (e.get("type") or "").lower() == gents[i]["type"]:
            ok_type += 1
        else:
            err.wrong_type.append(f"{gents[i]['name']}: {e.get('type')} (gold {gents[i]['type']})")
        tally.role_n += 1
        if (e.get("role") or "").lower() == gents[i].get("role"):
            tally.role_ok += 1
        else:
            err.wrong_role.append(f"{gents[i]['name']}: {e.get('role')} (gold {gents[i].get('role')})")
    tally.typed.tp += ok_type
    tally.typed.fp += len(unmatched) + len(matched) - ok_type
    tally.typed.fn += len(gents) - ok_type
    err.misses = [f"{gents[i]['name']} [{gents[i]['type']}]" for i in range(len(gents)) if i not in matched]
    gu = {_url_key(u["url"]) for u in g.get("urls", [])}
    pu = {_url_key(u["url"] if isinstance(u, dict) else u) for u in p.get("urls", [])}
    tally.urls.tp += len(gu & pu)
    tally.urls.fp += len(pu - gu)
    tally.urls.fn += len(gu - pu)
    err.url_fp = sorted(pu - gu)
    err.url_fn = sorted(gu - pu)
    return err


def score_papers(
    gold: Iterable[dict[str, Any]], pred: dict[str, dict[str, Any]]
) -> tuple[dict[str, Any], list[PaperErrors]]:
    """Paper gold: detection and typed F1, role accuracy and URL F1 over the gold papers (a paper
    without predictions has none), and the errors of each paper that has some."""
    tally = _Tally()
    papers = 0
    errors: list[PaperErrors] = []
    for g in gold:
        papers += 1
        err = _score_paper(g, pred.get(str(g["id"]), {}), tally)
        if not err.empty():
            errors.append(err)
    result = {
        "papers": papers,
        "detection": tally.det.to_dict(),
        "typed": tally.typed.to_dict(),
        "role_accuracy": round(tally.role_ok / tally.role_n, 4) if tally.role_n else 0.0,
        "urls": tally.urls.to_dict(),
    }
    return result, errors


def score_spans(
    gold: Iterable[dict[str, Any]], pred: dict[str, dict[str, Any]], label: str, as_labels: set[str]
) -> tuple[dict[str, Any], list[PaperErrors]]:
    strict, relaxed = Counts(), Counts()
    units = 0
    errors: list[PaperErrors] = []
    for g in gold:
        units += 1
        gs = {referee_key(e["text"]) for e in g.get("entities", []) if e.get("label") == label} - {""}
        ps: set[str] = set()
        for e in pred.get(str(g["id"]), {}).get("entities", []):
            t = (e.get("type") or e.get("label") or "").lower()
            if t == label.lower() or t in as_labels:
                ps.add(referee_key(e.get("name") or e.get("text") or ""))
        ps.discard("")
        strict.tp += len(gs & ps)
        strict.fp += len(ps - gs)
        strict.fn += len(gs - ps)
        hit_p = {p for p in ps if any(p in x or x in p for x in gs)}
        hit_g = {x for x in gs if any(p in x or x in p for p in ps)}
        relaxed.tp += len(hit_g)
        relaxed.fp += len(ps - hit_p)
        relaxed.fn += len(gs - hit_g)
        err = PaperErrors(str(g["id"]), false_positives=sorted(ps - gs), misses=sorted(gs - ps))
        if not err.empty():
            errors.append(err)
    return {"units": units, "label": label, "strict": strict.to_dict(), "relaxed": relaxed.to_dict()}, errors


def score(
    gold_path: str | Path, predictions: Iterable[dict[str, Any]], label: str = "DATASET"
) -> tuple[dict[str, Any], list[PaperErrors]]:
    gold = read_gold(str(gold_path))
    pred = {str(r.get("id")): r for r in predictions}
    if is_span_gold(gold):
        return score_spans(gold, pred, label, {"dataset", "benchmark"})
    return score_papers(gold, pred)


# ---------------------------------------------------------------- per type and cross-validation
TYPES = ("model", "dataset", "benchmark")


def per_type(gold: Iterable[dict[str, Any]], pred: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Typed precision and recall for each type, with the referee's matching: a prediction of type
    T is right when its name matches a gold entity of type T (the first prediction matching a gold
    entity is the one scored); it is wrong when it matches none or one of another type."""
    counts = {t: Counts() for t in TYPES}
    for g in gold:
        gents = g.get("entities", [])
        matched, unmatched = _match(gents, pred.get(str(g["id"]), {}).get("entities", []))
        for e in unmatched.values():
            t = (e.get("type") or "").lower()
            if t in counts:
                counts[t].fp += 1
        right: set[int] = set()
        for i, e in matched.items():
            t = (e.get("type") or "").lower()
            if t == gents[i]["type"]:
                right.add(i)
                counts[t].tp += 1
            elif t in counts:
                counts[t].fp += 1
        for i, e in enumerate(gents):
            if i not in right and e["type"] in counts:
                counts[e["type"]].fn += 1
    return {t: c.to_dict() for t, c in counts.items()}


def assign_folds(ids: Iterable[str], k: int, seed: int = 0) -> dict[str, int]:
    """Each paper id's fold (0 to k-1): the ids sorted, shuffled with ``seed``, dealt in turn, so
    the folds depend only on the set of ids and the seed."""
    import random

    order = sorted(set(ids))
    random.Random(seed).shuffle(order)
    return {pid: i % k for i, pid in enumerate(order)}


def read_gold_files(paths: Iterable[str]) -> list[dict[str, Any]]:
    """The records of several gold files of paper gold, the first record of an id winning."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in paths:
        records = read_gold(path)
        if is_span_gold(records):
            raise GoldError(f"{path}: cross-validation needs paper gold, not span gold")
        for g in records:
            if str(g["id"]) not in seen:
                seen.add(str(g["id"]))
                out.append(g)
    return out


def summarize(result: dict[str, Any]) -> list[str]:
    """Printable lines for a result of :func:`score` (with ``per_type`` when present)."""
    lines = []
    for k, v in result.items():
        if k == "per_type":
            for t, c in v.items():
                lines.append(
                    f"  {t:<12} P={c['precision']:.3f} R={c['recall']:.3f} F1={c['f1']:.3f}"
                    f"  (tp={c['tp']} fp={c['fp']} fn={c['fn']})"
                )
        elif isinstance(v, dict) and "f1" in v:
            lines.append(
                f"{k:<14} P={v['precision']:.3f} R={v['recall']:.3f} F1={v['f1']:.3f}"
                f"  (tp={v['tp']} fp={v['fp']} fn={v['fn']})"
            )
        else:
            lines.append(f"{k:<14} {v}")
    return lines


def cross_validate(
    extractor: Any,
    papers: list[Any],
    gold: list[dict[str, Any]],
    k: int = 5,
    seed: int = 0,
    fit: Any = None,
    names: str = "canonical",
) -> dict[str, Any]:
    """K-fold cross-validation by paper.

    Each fold's papers are decided by ``fit(train_candidates, train_gold)`` (a decider trained on
    the other folds; the extractor's own decider when ``fit`` is None, as for the rules, which
    need no training), then typed across the fold as a corpus (:class:`paperkg.resolve.Resolver`)
    and scored with the referee's definitions. Only papers with gold take part. Returns the
    pooled figures (every fold's predictions scored together), per type, and each fold's."""
    from paperkg.extraction.extractor import build
    from paperkg.resolve import Resolver

    by_id = {str(g["id"]): g for g in gold}
    papers = [p for p in papers if p.id in by_id]
    folds = assign_folds([p.id for p in papers], k, seed)
    pcs = list(extractor.candidates(papers))
    all_pred: dict[str, dict[str, Any]] = {}
    fold_results = []
    for fold in range(k):
        test = [pc for pc in pcs if folds[pc.paper.id] == fold]
        if fit is None:
            decider = extractor.decider
        else:
            train = [pc for pc in pcs if folds[pc.paper.id] != fold]
            decider = fit(train, [by_id[pc.paper.id] for pc in train])
        exts = [build(pc, decider.decide(pc)) for pc in test]
        resolver = Resolver(extractor.lex)
        resolver.add(exts)
        pred = {x.paper.id: x.to_json(names) for x in (resolver.retype(x) for x in exts)}
        all_pred.update(pred)
        fold_gold = [by_id[pc.paper.id] for pc in test]
        res, _ = score_papers(fold_gold, pred)
        res["per_type"] = per_type(fold_gold, pred)
        fold_results.append(res)
    ordered = [by_id[p.id] for p in papers]
    pooled, errors = score_papers(ordered, all_pred)
    pooled["per_type"] = per_type(ordered, all_pred)
    return {"k": k, "seed": seed, "pooled": pooled, "folds": fold_results, "errors": errors}


# ---------------------------------------------------------------- what ``paperkg eval`` runs
@dataclass(frozen=True)
class EvalOptions:
    """How :func:`evaluate_inputs` extracts and scores."""

    label: str = "DATASET"  # span gold: the label scored
    cv: int | None = None  # K-fold cross-validation by paper
    seed: int = 0  # cv: the seed of the folds and of training
    decider: str = "default"  # "rules", "learned", or the extractor's default
    names: str = "canonical"  # how entities are named in the predictions (PaperExtraction.to_json)
    strict: bool = False  # stop at the first bad record
    registry: str | None = None  # extra registry entries


@dataclass
class Evaluation:
    """The figures of an evaluation (under cross-validation :func:`cross_validate`'s, without its
    errors) and the errors of each paper that has some."""

    figures: dict[str, Any]
    errors: list[PaperErrors]
    cross_validated: bool = False

    def lines(self) -> list[str]:
        """Printable lines: :func:`summarize`'s, and under cross-validation one line per fold."""
        if not self.cross_validated:
            return summarize(self.figures)
        f = self.figures
        out = [f"{f['k']}-fold cross-validation by paper (seed {f['seed']}), pooled over the folds:"]
        out += summarize(f["pooled"])
        for i, res in enumerate(f["folds"]):
            d, t = res["detection"], res["typed"]
            out.append(
                f"fold {i}: papers {res['papers']} detection F1={d['f1']:.3f} typed F1={t['f1']:.3f}"
                f" role {res['role_accuracy']:.3f} urls F1={res['urls']['f1']:.3f}"
            )
        return out


def evaluate_inputs(
    inputs: Sequence[str],
    gold: Sequence[str],
    options: EvalOptions = EvalOptions(),
    report: Callable[[str], None] | None = None,
) -> Evaluation:
    """Extract from INPUTS and score against the ``gold`` files; with ``options.cv`` K, K-fold
    cross-validation by paper over the papers of INPUTS that have gold (with the learned decider,
    each fold is decided by a model trained on the other folds' gold)."""
    from paperkg.extraction import Extractor
    from paperkg.extraction.learn import LEARNED_BY_DEFAULT, load_decider
    from paperkg.extraction.stages import RULES

    o = options
    learned = o.decider == "learned" or (o.decider == "default" and LEARNED_BY_DEFAULT)
    if not learned:
        ex = Extractor(registry=o.registry, decider=RULES)
    elif o.cv:  # each fold gets its own decider; the candidates are the learned decider's
        ex = Extractor(registry=o.registry, decider=RULES, loose=True)
    else:
        ex = Extractor(registry=o.registry, decider=load_decider(registry=o.registry))
    if o.cv is not None:
        return _cross_validation(inputs, gold, ex, o.cv, learned, o, report)
    from paperkg.pipeline import extract_corpus

    extractions, *_ = extract_corpus(inputs, ex, o.strict, report)
    preds = [x.to_json(o.names) for x in extractions]
    if len(gold) > 1:
        result, errors = score_papers(read_gold_files(gold), {str(p["id"]): p for p in preds})
    else:
        result, errors = score(gold[0], preds, o.label)
    if "detection" in result:
        result["per_type"] = per_type(read_gold_files(gold), {str(p["id"]): p for p in preds})
    return Evaluation(result, errors)


def _cross_validation(
    inputs: Sequence[str],
    gold: Sequence[str],
    ex: Any,
    k: int,
    learned: bool,
    o: EvalOptions,
    report: Callable[[str], None] | None,
) -> Evaluation:
    from paperkg.extraction.learn import fit_decider
    from paperkg.pipeline import PaperIndex, Summary, read_papers

    gold_records = read_gold_files(gold)
    papers = list(read_papers(inputs, Summary(), PaperIndex(), o.strict, report))
    fit = (lambda pcs, golds: fit_decider(pcs, golds, ex.lex, seed=o.seed)) if learned else None
    out = cross_validate(ex, papers, gold_records, k, o.seed, fit, o.names)
    errors = out.pop("errors")
    return Evaluation(out, errors, cross_validated=True)

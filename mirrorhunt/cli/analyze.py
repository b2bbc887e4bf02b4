"""``analyze`` and ``similar``: fingerprints of the captured sites and their nearest sites."""

from __future__ import annotations

import json
import sys

import click
from rich.progress import Progress
from rich.table import Table

from db.connection import data_dir_for
from mirrorhunt.cli.base import Context, UserError, cli, console, pass_context, safe_text
from mirrorhunt.domains import DomainError, parse_domain_or_url, registrable_domain


@cli.command()
@pass_context
def analyze(ctx: Context) -> None:
    """Fingerprint new captures and score their sites against similar ones (incremental)."""
    from similarity.analyze import analyze as run_analysis

    warc_dir = data_dir_for(ctx.db_path) / "warc"
    with Progress(console=console, transient=True, disable=not sys.stderr.isatty()) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(f"analyzing {stage}", total=total)
            bar.update(tasks[stage], completed=done, total=total)

        summary = run_analysis(ctx.store.db, warc_dir, progress)
    console.print(f"analyzed {summary.pages} new page(s) of {summary.sites} site(s); "
                  f"scored {summary.pairs} candidate pair(s), {summary.mirrors} look like mirrors")
    for problem in summary.unreadable[:10]:
        console.print(safe_text(f"unreadable: {problem}"))


def nearest(db, site: str, top: int) -> list[dict]:
    rows = db.query(
        "SELECT CASE WHEN site_a = :s THEN site_b ELSE site_a END AS domain, score, verdict, "
        "agreeing, evidence FROM pair_scores WHERE site_a = :s OR site_b = :s "
        "ORDER BY score DESC, domain LIMIT :n", {"s": site, "n": top})
    result = []
    for row in rows:
        evidence = json.loads(row["evidence"])
        result.append({
            "domain": row["domain"], "score": row["score"], "verdict": row["verdict"],
            "agreeing": json.loads(row["agreeing"]),
            "signals": {e["signal"]: e["score"] for e in evidence},
            "evidence": evidence,
        })
    return result


@cli.command()
@click.argument("domain")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@pass_context
def similar(ctx: Context, domain: str, top: int, fmt: str) -> None:
    """The sites nearest to DOMAIN, with per-signal scores and the shared evidence."""
    try:
        site = registrable_domain(parse_domain_or_url(domain))
    except DomainError as exc:
        raise UserError(str(exc)) from None
    if site is None:
        raise UserError(f"{domain} has no registrable domain")
    known = ctx.store.db.execute("SELECT 1 FROM site_signatures WHERE site = ?", [site]).fetchone()
    if not known:
        raise UserError(f"{site} has not been analyzed (crawl it, then run mirrorhunt analyze)")
    rows = nearest(ctx.store.db, site, top)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, sort_keys=True, default=str))
        return
    table = Table("domain", "score", "verdict", "agreeing", "signals", title=f"nearest to {site}")
    for row in rows:
        signals = ", ".join(f"{k} {v:.2f}" for k, v in row["signals"].items() if v)
        table.add_row(safe_text(row["domain"]), f"{row['score']:.2f}", safe_text(row["verdict"]),
                      safe_text(", ".join(row["agreeing"])), safe_text(signals))
    console.print(table)

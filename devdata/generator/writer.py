"""Bulk writes of generated records: rows and their dated, attributed history rows."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.utils import timezone

from cate.models import Case
from contacts.models import Child, Contact

from .vocabulary import BATCH, REASON


class DatabaseNotEmpty(Exception):
    pass


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    def lines(self) -> list[str]:
        rows = [f"{name:<36} {count:>10,}" for name, count in sorted(self.counts.items())]
        return [*rows, f"{'seconds':<36} {self.seconds:>10.1f}"]


def has_records() -> bool:
    User = get_user_model()
    return (
        Child.objects.exists()
        or Contact.objects.exists()
        or Case.objects.exists()
        or User.objects.filter(is_system=False)
        .exclude(username=getattr(django_settings, "ANONYMOUS_USER_NAME", "AnonymousUser"))
        .exists()
    )


class Writer:
    """bulk_create in batches, then one dated, attributed history row per record.

    The history rows are the ones simple-history's `bulk_history_create` builds (every tracked field,
    `history_type` "+", user and reason), written with PostgreSQL's COPY rather than as model
    instances: that halves the time of a large run. Other databases use `bulk_history_create`.
    """

    def __init__(self, actor, summary: Summary):
        self.actor = actor
        self.summary = summary

    def insert(self, model, objs: list, dates: list[dt.datetime] | None = None) -> list:
        if not objs:
            return objs
        if connection.vendor == "postgresql":
            created = self._copy_rows(model, objs)
        else:
            created = []
            for start in range(0, len(objs), BATCH):
                created.extend(model.objects.bulk_create(objs[start : start + BATCH]))
        self.summary.counts[model._meta.label] += len(created)
        history = getattr(model, "history", None)
        if history is not None:
            if connection.vendor == "postgresql":
                self._copy_history(history.model, created, dates)
            else:
                for index, obj in enumerate(created):
                    obj._history_user = self.actor
                    obj._change_reason = REASON
                    if dates is not None:
                        obj._history_date = dates[index]
                history.bulk_history_create(
                    created, batch_size=BATCH, default_user=self.actor, default_change_reason=REASON
                )
            self.summary.counts[f"{model._meta.label} (history)"] += len(created)
        return created

    def _copy_rows(self, model, objs: list) -> list:
        """What bulk_create does (defaults, auto_now times, primary keys from the table's sequence),
        written with COPY."""
        meta = model._meta
        table = connection.ops.quote_name(meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objs)],
            )
            ids = [row[0] for row in cursor.fetchall()]
        now = timezone.now()
        fields = meta.concrete_fields
        auto_now = {f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)}
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
        names = [f.attname for f in fields]
        sql = f"COPY {table} ({', '.join(connection.ops.quote_name(f.column) for f in fields)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
            for obj, pk in zip(objs, ids, strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, "default"
                row = []
                for name in names:
                    if name in auto_now:
                        setattr(obj, name, now)
                    value = getattr(obj, name)
                    row.append(json.dumps(value) if name in json_fields else value)
                copy.write_row(row)
        return objs

    def _copy_history(self, historical, created: list, dates: list[dt.datetime] | None) -> None:
        tracked = [f.attname for f in historical.tracked_fields]
        json_fields = {f.attname for f in historical.tracked_fields if isinstance(f, models.JSONField)}
        columns = [historical._meta.get_field(name).column for name in tracked]
        columns += ["history_date", "history_user_id", "history_change_reason", "history_type"]
        fallback = timezone.now()
        actor_id = self.actor.pk
        table = connection.ops.quote_name(historical._meta.db_table)
        sql = f"COPY {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.connection.cursor().copy(sql) as copy:
            for index, obj in enumerate(created):
                row = [
                    json.dumps(getattr(obj, name)) if name in json_fields else getattr(obj, name) for name in tracked
                ]
                row += [dates[index] if dates is not None else fallback, actor_id, REASON, "+"]
                copy.write_row(row)

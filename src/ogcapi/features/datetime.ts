/**
 * The datetime parameter (Part 1 §7.15.4): an RFC 3339 instant (date or date-time with an offset) or an interval
 * "start/end" whose open ends are ".." or empty, as a filter on the collection's temporal field.
 *
 * A feature matches when its temporal value intersects the instant or interval. A Date field is a whole day, so it
 * is compared by day (the UTC day of a date-time bound); other fields (DateTime, or text holding RFC 3339 values)
 * are compared to the second on their first 19 characters ("YYYY-MM-DDTHH:MM:SS"), the bounds converted to UTC; a
 * date-only value in a text field counts as its midnight, a date-only bound as its whole day. Stored values are
 * taken as UTC: a value written with another offset is compared on its local time (the data layer reads
 * DateTime values as ISO text with their own offset).
 */
import type { Node } from '../../expression/index.js';
import { InvalidParameterError } from '../../errors/ogc-error.js';
import type { FieldDef } from '../../project/model.js';
import { and, call, compare, concat, field, literal, notNull } from './expression-nodes.js';

/** One end of an instant or interval, in UTC. */
export interface TimeBound {
  /** "YYYY-MM-DD" (the UTC day). */
  date: string;
  /** "YYYY-MM-DDTHH:MM:SS" (UTC, to the second). */
  time: string;
  /** Only a date was written (the bound is the whole day). */
  dateOnly: boolean;
}

/** A parsed datetime value. */
export type DatetimeQuery =
  | { kind: 'instant'; at: TimeBound }
  | { kind: 'interval'; start: TimeBound | null; end: TimeBound | null };

const STAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2}))?$/;

function bad(text: string, why: string): InvalidParameterError {
  return new InvalidParameterError('datetime', `datetime ('${text.slice(0, 100)}') ${why}`);
}

/** One RFC 3339 date or date-time (with Z or an offset), checked against the calendar; null when it is not one. */
export function parseTimestamp(text: string): TimeBound | null {
  const m = STAMP.exec(text.trim());
  if (!m) return null;
  const [y, mo, d, h = 0, mi = 0, s = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) => (v === undefined ? undefined : Number(v))) as number[];
  const local = Date.UTC(y!, mo! - 1, d!, h, mi, s);
  const check = new Date(local);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo! - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return null;
  if (m[4] === undefined) return { date: m.slice(1, 4).join('-'), time: `${m.slice(1, 4).join('-')}T00:00:00`, dateOnly: true };
  const zone = m[8]!;
  const offset = /^[Zz]$/.test(zone) ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
  if (Math.abs(offset) >= 24 * 60 || Number(zone.slice(4, 6)) > 59) return null;
  const utc = new Date(local - offset * 60_000).toISOString();
  return { date: utc.slice(0, 10), time: utc.slice(0, 19), dateOnly: false };
}

/** Parses a datetime value; InvalidParameterValue (400) naming datetime when it is not an instant or interval. */
export function parseDatetime(text: string): DatetimeQuery {
  const parts = text.trim().split('/');
  if (parts.length > 2) throw bad(text, 'has more than one "/"');
  if (parts.length === 1) {
    const at = parseTimestamp(parts[0]!);
    if (!at) throw bad(text, 'is not an RFC 3339 date or date-time (e.g. 2024-06-21 or 2024-06-21T12:00:00Z), nor an interval start/end');
    return { kind: 'instant', at };
  }
  const end = (t: string): TimeBound | null => {
    if (t.trim() === '' || t.trim() === '..') return null;
    const b = parseTimestamp(t);
    if (!b) throw bad(text, `has an interval end '${t.slice(0, 60)}' that is not an RFC 3339 date or date-time, '..' or empty`);
    return b;
  };
  const start = end(parts[0]!);
  const stop = end(parts[1]!);
  if (start && stop && (start.dateOnly || stop.dateOnly ? start.date > stop.date : start.time > stop.time)) throw bad(text, 'ends before it starts');
  return { kind: 'interval', start, end: stop };
}

/** The filter of a datetime value on a temporal field (see the module comment). */
export function datetimeFilter(temporal: FieldDef, q: DatetimeQuery): Node {
  const byDay = temporal.type.toLowerCase() === 'date';
  const value = byDay ? call('left', field(temporal.name), literal(10)) : call('left', concat(field(temporal.name), literal('T00:00:00')), literal(19));
  const from = (b: TimeBound) => (byDay ? b.date : b.dateOnly ? `${b.date}T00:00:00` : b.time);
  const to = (b: TimeBound) => (byDay ? b.date : b.dateOnly ? `${b.date}T23:59:59` : b.time);
  const start = q.kind === 'instant' ? q.at : q.start;
  const end = q.kind === 'instant' ? q.at : q.end;
  if (start && end && from(start) === to(end)) return compare('=', value, literal(from(start)));
  const parts: Node[] = [];
  if (start) parts.push(compare('>=', value, literal(from(start))));
  if (end) parts.push(compare('<=', value, literal(to(end))));
  return parts.length ? and(parts) : notNull(temporal.name);
}

/** A temporal value as read (ISO date or date-time text) as RFC 3339 UTC date-time text; null when it is none. */
export function timeText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const v = value.trim();
  const stamp = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(v) ? `${v}Z` : v;
  const b = parseTimestamp(stamp);
  return b ? `${b.time}Z` : null;
}

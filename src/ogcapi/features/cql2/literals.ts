/**
 * CQL2 temporal literals, checked and written the way the data layer writes date and datetime attributes
 * (src/expression/values.ts: 'YYYY-MM-DD', 'YYYY-MM-DDTHH:MM:SSZ', fractional seconds as '.sss'), so that an
 * instant compares with an attribute as text exactly when the two are the same UTC instant.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?Z$/;

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function validDate(y: string, m: string, d: string): boolean {
  const month = Number(m);
  const day = Number(d);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysIn(Number(y), month);
}

/** A CQL2 date ('YYYY-MM-DD', a real calendar day) as written, or null. */
export function parseDate(text: string): string | null {
  const m = DATE.exec(text);
  return m && validDate(m[1], m[2], m[3]) ? text : null;
}

/**
 * A CQL2 timestamp ('YYYY-MM-DDTHH:MM:SS[.f…]Z', UTC) in the data layer's form: whole seconds without a
 * fraction, otherwise the fraction cut to milliseconds ('…:05.120Z'); null when it is not one.
 */
export function parseTimestamp(text: string): string | null {
  const m = TIMESTAMP.exec(text);
  if (!m || !validDate(m[1], m[2], m[3])) return null;
  const [hour, minute, second] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (hour > 23 || minute > 59 || second > 59) return null;
  const millis = (m[7] ?? '').slice(0, 3).padEnd(3, '0');
  const seconds = millis === '000' ? m[6] : `${m[6]}.${millis}`;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${seconds}Z`;
}

/** The instant a date starts (UTC midnight), as a timestamp in the data layer's form. */
export function startOfDay(date: string): string {
  return `${date}T00:00:00Z`;
}

const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A decimal number written as text ('42', '-1.5', '2e3'), or null. */
export function parseDecimal(text: string): number | null {
  if (!DECIMAL.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

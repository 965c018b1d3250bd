import { describe, expect, it } from 'vitest';
import { type Hours, hoursOfDay, parseHours, statusAt } from '../../../functions/core/actions/hours.js';

const SUN = 0;
const MON = 1;
const FRI = 5;
const SAT = 6;
const t = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};
const at = (hours: Hours, weekday: number, time: string, holiday = false) =>
  statusAt(hours, { weekday, minutes: t(time), holiday });

describe('parseHours: the forms the site writes', () => {
  it.each([
    ['Lunes a domingo de 10:00 a 21:00 hrs.', '10:00–21:00'],
    ['Todos los días de 10:00 a 22:00', '10:00–22:00'],
    ['Lun a Dom 10:00–21:00', '10:00–21:00'],
    ['10:00 a 20:00', '10:00–20:00'],
    ['12:00 a 23:00 hrs.', '12:00–23:00'],
    ['Diario 9.30 - 19.30', '09:30–19:30'],
    ['10h a 21h', '10:00–21:00'],
    ['10 a 21 hrs', '10:00–21:00'],
    ['10am a 9pm', '10:00–21:00'],
    ['10:00 a 21:00 de lunes a domingo', '10:00–21:00'],
    ['Abierto las 24 horas', '00:00–24:00'],
  ])('%j applies to every day as %s', (text, expected) => {
    const hours = parseHours(text);
    for (const day of [0, 1, 2, 3, 4, 5, 6]) expect(hoursOfDay(hours, day)).toBe(expected);
  });

  it('reads different rules for different days', () => {
    const hours = parseHours('Lunes a viernes 10:00–20:00, sábado 11:00–21:00');
    expect(hoursOfDay(hours, MON)).toBe('10:00–20:00');
    expect(hoursOfDay(hours, FRI)).toBe('10:00–20:00');
    expect(hoursOfDay(hours, SAT)).toBe('11:00–21:00');
    // Sunday is not mentioned: unknown, not closed.
    expect(hoursOfDay(hours, SUN)).toBeUndefined();
    expect(at(hours, SUN, '12:00')).toEqual({ status: 'unknown' });
  });

  it('reads rules on separate lines, with colons and "hrs."', () => {
    const a = parseHours('Lunes a viernes 10:30 a 20:30 hrs.\nSábado y domingo 11:00 a 20:00 hrs.');
    expect([MON, FRI, SAT, SUN].map((d) => hoursOfDay(a, d))).toEqual([
      '10:30–20:30',
      '10:30–20:30',
      '11:00–20:00',
      '11:00–20:00',
    ]);
    const b = parseHours('Lunes a sábado: 10:00 – 21:00\nDomingos y festivos: 11:00 – 20:00');
    expect(hoursOfDay(b, SAT)).toBe('10:00–21:00');
    expect(hoursOfDay(b, SUN)).toBe('11:00–20:00');
    expect(hoursOfDay(b, MON, true)).toBe('11:00–20:00');
  });

  it('reads lists and wrapping ranges of days, split shifts and closed days', () => {
    const list = parseHours('Lunes, miércoles y viernes 09:00 a 13:00');
    expect([1, 2, 3, 4, 5].map((d) => hoursOfDay(list, d))).toEqual([
      '09:00–13:00',
      undefined,
      '09:00–13:00',
      undefined,
      '09:00–13:00',
    ]);
    const wrap = parseHours('Viernes a lunes 12:00 a 20:00');
    expect([5, 6, 0, 1, 2].map((d) => hoursOfDay(wrap, d) !== undefined)).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    const split = parseHours('Lunes a viernes 10:00 a 14:00 y 16:00 a 20:00\nDomingo cerrado');
    expect(hoursOfDay(split, MON)).toBe('10:00–14:00, 16:00–20:00');
    expect(at(split, MON, '15:00').status).toBe('closed');
    expect(at(split, MON, '16:00').status).toBe('open');
    expect(hoursOfDay(split, SUN)).toBe('cerrado');
    expect(at(split, SUN, '12:00').status).toBe('closed');
  });

  it('lets a later rule for the same day replace an earlier one', () => {
    const hours = parseHours('Lunes a domingo 10:00 a 21:00; sábado 10:00 a 23:00');
    expect(hoursOfDay(hours, SAT)).toBe('10:00–23:00');
    expect(hoursOfDay(hours, FRI)).toBe('10:00–21:00');
  });

  it.each([
    ['', 'empty'],
    ['Lunes a viernes', 'days without times'],
    ['Cerrado temporalmente', 'a word it does not know'],
    ['Consultar en tienda', 'free text'],
    ['Marzo 10:00 a 20:00', 'a month is not a day'],
    ['10 a 21', 'bare numbers without hrs or minutes'],
    ['L a V 9 a 18', 'one-letter days'],
    ['10:00 a 14:00 lunes a viernes 16:00 a 20:00', 'times for every day beside day rules'],
    ['Lunes a viernes 10:00', 'a time without a range'],
    ['Lunes 10:00 a 10:00', 'a range of no length'],
    ['Lunes 25:00 a 26:00', 'times that do not exist'],
    ['Lunes 10:75 a 20:00', 'minutes that do not exist'],
    ['Lunes a domingo de 10:00 a 21:00 (cocina hasta 20:30)', 'anything beyond the grammar'],
  ])('%j is unknown (%s), never guessed', (text) => {
    const hours = parseHours(text);
    expect(hours).toEqual({ known: false });
    expect(at(hours, MON, '12:00')).toEqual({ status: 'unknown' });
    expect(hoursOfDay(hours, MON)).toBeUndefined();
  });
});

describe('statusAt', () => {
  const mall = parseHours('Lunes a domingo de 10:00 a 21:00 hrs.');

  it('is open from the opening minute until the minute before closing', () => {
    expect(at(mall, MON, '09:59')).toEqual({ status: 'closed' });
    expect(at(mall, MON, '10:00')).toEqual({ status: 'open', closesAt: '21:00' });
    expect(at(mall, MON, '20:59')).toEqual({ status: 'open', closesAt: '21:00' });
    expect(at(mall, MON, '21:00')).toEqual({ status: 'closed' });
  });

  it('carries a range past midnight into the next morning', () => {
    const bar = parseHours('Lunes a jueves 12:00 a 00:00, viernes y sábado 12:00 a 02:00');
    expect(at(bar, MON, '23:59')).toEqual({ status: 'open', closesAt: '24:00' });
    expect(at(bar, FRI, '23:00')).toEqual({ status: 'open', closesAt: '02:00' });
    // Saturday 01:00 is still Friday night; Sunday 01:30 is still Saturday night.
    expect(at(bar, SAT, '01:00')).toEqual({ status: 'open', closesAt: '02:00' });
    expect(at(bar, SUN, '01:30')).toEqual({ status: 'open', closesAt: '02:00' });
    // Sunday itself is not mentioned: after 02:00 it is unknown.
    expect(at(bar, SUN, '03:00')).toEqual({ status: 'unknown' });
    expect(at(bar, SAT, '02:00')).toEqual({ status: 'closed' });
  });

  it('uses the holiday rule on a holiday, and says when the text has none', () => {
    const withHoliday = parseHours('Lunes a sábado 10:00 a 21:00\nDomingos y festivos 11:00 a 20:00');
    expect(at(withHoliday, MON, '10:30', true)).toEqual({ status: 'closed' });
    expect(at(withHoliday, MON, '10:30', false)).toEqual({ status: 'open', closesAt: '21:00' });
    expect(at(withHoliday, MON, '19:30', true)).toEqual({ status: 'open', closesAt: '20:00' });
    expect(at(mall, MON, '12:00', true)).toEqual({
      status: 'open',
      closesAt: '21:00',
      holidayHoursUnstated: true,
    });
    const holidayClosed = parseHours('Lunes a domingo 10:00 a 21:00, festivos cerrado');
    expect(at(holidayClosed, MON, '12:00', true)).toEqual({ status: 'closed' });
  });
});

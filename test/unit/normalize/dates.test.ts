import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseEventDates } from '../../../functions/core/normalize/dates.js';

const range = (startDate: number, endDate: number) => ({ startDate, endDate });

describe('parseEventDates: single dates', () => {
  it.each([
    ['2026-03-15', 20260315],
    ['2026-03-15T10:00:00', 20260315],
    ['2026/03/15', 20260315],
    ['20260315', 20260315],
    ['15/03/2026', 20260315],
    ['5/3/2026', 20260305],
    ['15-03-2026', 20260315],
    ['15.03.2026', 20260315],
    ['15/03/26', 20260315],
    ['15 de marzo de 2026', 20260315],
    ['sábado 15 de marzo de 2026', 20260315],
    ['Sábado 15 de Marzo del 2026', 20260315],
    ['15 marzo 2026', 20260315],
    ['15 de marzo, 2026', 20260315],
    ['1º de abril de 2026', 20260401],
    ['1° de setiembre de 2026', 20260901],
    ['15 dic. 2026', 20261215],
    ['MIÉRCOLES 4 DE FEBRERO DE 2026', 20260204],
    ['Sábado 15 de marzo de 2026 · 11:00 a 20:00 hrs · Nivel 3', 20260315],
    ['29/02/2028', 20280229],
  ])('%s', (text, day) => {
    expect(parseEventDates(text)).toEqual(range(day, day));
  });
});

describe('parseEventDates: ranges and lists', () => {
  it.each([
    ['15 al 17 de marzo de 2026', 20260315, 20260317],
    ['Del 1 al 5 de abril, 2026', 20260401, 20260405],
    ['del sábado 15 al domingo 17 de marzo de 2026', 20260315, 20260317],
    ['15–17 de marzo de 2026', 20260315, 20260317],
    ['del 15 de marzo al 2 de abril de 2026', 20260315, 20260402],
    ['Desde el 15 de marzo hasta el 20 de marzo de 2026', 20260315, 20260320],
    ['15/03/2026 - 17/03/2026', 20260315, 20260317],
    ['15/03 al 17/03/2026', 20260315, 20260317],
    ['2026-03-15 al 2026-03-20', 20260315, 20260320],
    ['Sábado 15 y domingo 16 de marzo 2026', 20260315, 20260316],
    ['15, 22 y 29 de marzo de 2026', 20260315, 20260329],
    ['28 de diciembre al 3 de enero de 2027', 20261228, 20270103],
    ['30 de diciembre de 2026 al 2 de enero de 2027', 20261230, 20270102],
    ['15 al 17 de marzo de 2026, de 10:00 a 20:00', 20260315, 20260317],
    ['15 de marzo de 2026, de 10 a 18 hrs', 20260315, 20260315],
  ])('%s', (text, start, end) => {
    expect(parseEventDates(text)).toEqual(range(start, end));
  });
});

describe('parseEventDates: ambiguous or invalid text gives nothing', () => {
  it.each([
    [''],
    ['Todos los sábados'],
    ['Todos los sábados de marzo'],
    ['15 de marzo'],
    ['sábado 15 de marzo'],
    ['15 de marzo y 3 de abril'],
    ['Marzo 2026'],
    ['Próximamente'],
    ['De 10 a 18 hrs'],
    ['31/02/2026'],
    ['29/02/2025'],
    ['32 de marzo de 2026'],
    ['15/13/2026'],
    ['2026-02-30'],
    ['28 al 3 de marzo de 2026'],
    ['15 de marzo de 2026 y 31 de abril de 2026'],
  ])('%s', (text) => {
    expect(parseEventDates(text)).toEqual({});
  });
});

describe('parseEventDates: determinism', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not depend on the clock or the time zone', () => {
    const texts = [
      '15 de marzo',
      '15 al 17 de marzo de 2026',
      '28 de diciembre al 3 de enero de 2027',
      '15/03/2026',
    ];
    const before = texts.map(parseEventDates);
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-12-31T23:59:59Z'));
    expect(texts.map(parseEventDates)).toEqual(before);
    expect(parseEventDates('15 de marzo')).toEqual({});
  });

  it('round-trips any valid date written in every supported form', () => {
    const months = [
      'enero',
      'febrero',
      'marzo',
      'abril',
      'mayo',
      'junio',
      'julio',
      'agosto',
      'septiembre',
      'octubre',
      'noviembre',
      'diciembre',
    ];
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1950-01-01T00:00:00Z'),
          max: new Date('2150-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (d) => {
          const y = d.getUTCFullYear();
          const m = d.getUTCMonth() + 1;
          const day = d.getUTCDate();
          const expected = range(y * 10000 + m * 100 + day, y * 10000 + m * 100 + day);
          const dd = String(day).padStart(2, '0');
          const mm = String(m).padStart(2, '0');
          expect(parseEventDates(`${y}-${mm}-${dd}`)).toEqual(expected);
          expect(parseEventDates(`${dd}/${mm}/${y}`)).toEqual(expected);
          expect(parseEventDates(`${day} de ${months[m - 1]} de ${y}`)).toEqual(expected);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws and always returns an ordered range or nothing', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        const result = parseEventDates(text);
        if (result.startDate === undefined) expect(result).toEqual({});
        else expect(result.endDate).toBeGreaterThanOrEqual(result.startDate);
      }),
      { numRuns: 300 },
    );
  });
});

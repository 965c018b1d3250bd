import { describe, expect, it } from 'vitest';
import { clockTimeIn, daySpanIn, longDate } from '../../../functions/local/serve/answer/spanish-dates.js';

// Thursday 5 March 2026.
const TODAY = '2026-03-05';
const span = (q: string, today = TODAY) => {
  const s = daySpanIn(q, today);
  return s && [s.from, s.to];
};

describe('daySpanIn', () => {
  it.each([
    ['¿Qué hay hoy?', ['2026-03-05', '2026-03-05']],
    ['¿y mañana?', ['2026-03-06', '2026-03-06']],
    ['¿Qué eventos hay pasado mañana?', ['2026-03-07', '2026-03-07']],
    ['¿Qué hacer este fin de semana?', ['2026-03-07', '2026-03-08']],
    ['eventos el SÁBADO', ['2026-03-07', '2026-03-07']],
    ['¿qué hay el jueves?', ['2026-03-05', '2026-03-05']],
    ['¿qué hay el miércoles?', ['2026-03-11', '2026-03-11']],
    ['¿Qué hay el 15 de marzo?', ['2026-03-15', '2026-03-15']],
    ['¿Qué hay el 2 de marzo?', ['2027-03-02', '2027-03-02']],
    ['¿Qué hay el 2 de marzo de 2026?', ['2026-03-02', '2026-03-02']],
    ['eventos del 1 de septiembre', ['2026-09-01', '2026-09-01']],
    ['¿hay algo el 20/03?', ['2026-03-20', '2026-03-20']],
    ['¿hay algo el 2026-04-25?', ['2026-04-25', '2026-04-25']],
    ['¿qué hay esta semana?', ['2026-03-05', '2026-03-08']],
    ['¿y la próxima semana?', ['2026-03-09', '2026-03-15']],
    ['¿qué hay este mes?', ['2026-03-05', '2026-03-31']],
  ])('%s → %j', (q, expected) => {
    expect(span(q)).toEqual(expected);
  });

  it('a weekend asked on Saturday or Sunday is the current one', () => {
    expect(span('fin de semana', '2026-03-07')).toEqual(['2026-03-07', '2026-03-08']);
    expect(span('fin de semana', '2026-03-08')).toEqual(['2026-03-08', '2026-03-08']);
  });

  it('names no day for "la mañana", impossible dates or no date at all', () => {
    for (const q of [
      '¿Abren en la mañana?',
      '¿qué hay el 31 de febrero?',
      '¿Dónde está Fiordo Kids?',
      '¿hay algo el 45/13?',
    ])
      expect(span(q), q).toBeUndefined();
  });

  it('labels the days in Spanish', () => {
    expect(daySpanIn('el sábado', TODAY)?.label).toBe('el sábado 7 de marzo de 2026');
    expect(longDate('2026-12-25')).toBe('viernes 25 de diciembre de 2026');
  });
});

describe('clockTimeIn', () => {
  it.each([
    ['¿Qué está abierto a las 21:30?', 21 * 60 + 30],
    ['abierto a las 9', 9 * 60],
    ['a las 9 de la noche', 21 * 60],
    ['a las 4 pm', 16 * 60],
    ['¿abre a las 10.15?', 10 * 60 + 15],
    ['a las 20 hrs', 20 * 60],
  ])('%s → %i', (q, minutes) => {
    expect(clockTimeIn(q)).toBe(minutes);
  });

  it('is undefined without a real time', () => {
    for (const q of ['¿qué está abierto?', 'a las 25', '¿a las 10:75?'])
      expect(clockTimeIn(q), q).toBeUndefined();
  });
});

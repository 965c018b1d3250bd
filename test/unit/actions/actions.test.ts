import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCatalogCache, termsOf } from '../../../functions/core/actions/catalog.js';
import type { Clock } from '../../../functions/core/shared/clock.js';
import { fixedClock } from '../../../functions/core/shared/clock.js';
import { silentLog } from '../../../functions/core/shared/logger.js';
import type { WpItem } from '../../../functions/core/shared/types.js';
import { createMemoryStorage } from '../../../functions/core/storage/memory.js';
import type { Storage } from '../../../functions/core/storage/port.js';
import { makeActionHandler } from '../../../functions/handlers/actions.js';
import { localActionEvent } from '../../../functions/local/actions/event.js';
import { actionFixture, buildStore, directory, listOf, mallConfig, NOW } from './helpers.js';

const config = mallConfig();
const store = await buildStore(config);
const { call, handler } = directory(store);

type Row = Record<string, unknown>;
const ids = (body: Row, key: string) => listOf<Row>(body, key).map((i) => i.source_id);
const bedrockEvent = () =>
  JSON.parse(
    readFileSync(new URL('../../fixtures/actions/bedrock-event.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;

describe('response shape', () => {
  it('answers a Bedrock event in exactly the action group response shape', async () => {
    const response = await handler(bedrockEvent());
    expect(Object.keys(response).sort()).toEqual([
      'messageVersion',
      'promptSessionAttributes',
      'response',
      'sessionAttributes',
    ]);
    expect(response.messageVersion).toBe('1.0');
    expect(response.sessionAttributes).toEqual({ channel: 'web' });
    expect(response.promptSessionAttributes).toEqual({ page: 'home' });
    const { responseBody, ...rest } = response.response;
    expect(rest).toEqual({
      actionGroup: 'mall-directory',
      apiPath: '/events',
      httpMethod: 'GET',
      httpStatusCode: 200,
    });
    expect(Object.keys(responseBody)).toEqual(['application/json']);
    expect(Object.keys(responseBody['application/json'])).toEqual(['body']);
    const body = JSON.parse(responseBody['application/json'].body);
    expect(body.from).toBe('2026-03-07');
    expect(ids(body, 'events')).toEqual(['302', '301']);
  });

  it('omits session attributes the event did not carry', async () => {
    const { sessionAttributes, promptSessionAttributes, ...event } = bedrockEvent();
    const response = await handler(event);
    expect(Object.keys(response).sort()).toEqual(['messageVersion', 'response']);
  });

  it('answers malformed events with a 400 in the same shape, never throwing', async () => {
    for (const input of [null, 'GET /events', 42, [], {}, { actionGroup: 'g', httpMethod: 'GET' }]) {
      const response = await handler(input);
      expect(response.messageVersion).toBe('1.0');
      expect(response.response.httpStatusCode).toBe(400);
      expect(JSON.parse(response.response.responseBody['application/json'].body).error).toBe('invalid_event');
    }
    const partial = await handler({
      actionGroup: 'g',
      httpMethod: 'GET',
      parameters: 'nope',
      apiPath: '/events',
    });
    expect(partial.response).toMatchObject({ actionGroup: 'g', apiPath: '/events', httpStatusCode: 400 });
  });

  it('answers unknown operations with 404 and the list of operations, a wrong method with 405', async () => {
    const unknown = await call('GET', '/stores');
    expect(unknown.status).toBe(404);
    expect(unknown.body.operations).toContain('GET /places');
    const post = await call('POST', '/events');
    expect(post.status).toBe(405);
  });

  it('reads application/json body properties too, and says which parameters it ignored', async () => {
    const event = {
      ...bedrockEvent(),
      parameters: [],
      requestBody: {
        content: {
          'application/json': { properties: [{ name: 'from', type: 'string', value: '2026-03-07' }] },
        },
      },
    };
    const body = JSON.parse((await handler(event)).response.responseBody['application/json'].body);
    expect(body.from).toBe('2026-03-07');
    const extra = await call('GET', '/events?when=saturday');
    expect(extra.status).toBe(200);
    expect(extra.body.ignored_parameters).toEqual(['when']);
    expect(extra.body.accepted_parameters).toEqual(['from', 'to', 'q', 'limit']);
  });
});

describe('GET /events (listEvents)', () => {
  it('defaults to today → +7 days in the site time zone, sorted by start, counting undated events', async () => {
    const { status, body } = await call('GET', '/events');
    expect(status).toBe(200);
    expect(body.today).toEqual({
      date: '2026-03-05',
      weekday: 'jueves',
      time: '12:00',
      time_zone: 'America/Santiago',
    });
    expect([body.from, body.to]).toEqual(['2026-03-05', '2026-03-12']);
    // 304 runs until the 6th (already started), 306 is on the last day; 307 (4th) and 303 (20th) are out.
    expect(ids(body, 'events')).toEqual(['304', '302', '301', '306']);
    expect(listOf<Row>(body, 'events')[0]?.already_started).toBe(true);
    expect(body.undated_events).toBe(1);
    expect([body.total, body.returned, body.more]).toEqual([4, 4, 0]);
  });

  it('takes "today" from the clock in the site time zone, not UTC', async () => {
    // 02:30 UTC on the 6th is 23:30 on the 5th in Santiago.
    const late = directory(store, config, '2026-03-06T02:30:00Z');
    const { body } = await late.call('GET', '/events');
    expect(body.today).toMatchObject({ date: '2026-03-05', time: '23:30' });
    expect(body.from).toBe('2026-03-05');
    const tokyo = directory(
      store,
      { ...config, site: { ...config.site, timeZone: 'Asia/Tokyo' } },
      '2026-03-06T02:30:00Z',
    );
    expect((await tokyo.call('GET', '/events')).body.from).toBe('2026-03-06');
  });

  it('gives every event what the agent needs to answer and cite', async () => {
    const { body } = await call('GET', '/events?from=2026-03-07&to=2026-03-07');
    const feria = listOf<Row>(body, 'events').find((e) => e.source_id === '301');
    expect(feria).toEqual({
      source_id: '301',
      type: 'event',
      title: 'Feria de las Pulgas',
      dates: '7 de marzo de 2026',
      start: '2026-03-07',
      end: '2026-03-07',
      times: ['11:00 a 20:00'],
      place: 'Plaza central, Nivel 1',
      organizer: 'Mall Plaza Cordillera',
      categories: ['Ferias'],
      url: 'https://mall.example.cl/event/feria-de-las-pulgas/',
      summary: 'Antigüedades, vinilos y ropa usada.',
    });
  });

  it('filters by words, accents and capitals aside', async () => {
    const a = await call('GET', '/events?q=ni%C3%B1os');
    const b = await call('GET', '/events?q=NINOS');
    expect(ids(a.body, 'events')).toEqual(['302', '306']);
    expect(ids(b.body, 'events')).toEqual(['302', '306']);
    // Categories count as text: "talleres" is only a term of 302 (its title says "Taller").
    expect(ids((await call('GET', '/events?q=talleres')).body, 'events')).toEqual(['302']);
    const yoga = await call('GET', '/events?q=yoga&from=2026-01-01&to=2026-12-31');
    expect(yoga.body.total).toBe(0);
    expect(yoga.body.undated_events).toBe(1);
    expect(String(yoga.body.undated_note)).toMatch(/knowledge base/);
  });

  it('caps the list and says how many more there are', async () => {
    const { body } = await call('GET', '/events?from=2026-02-01&to=2026-03-31&limit=2');
    expect([body.total, body.returned, body.more]).toEqual([6, 2, 4]);
    expect(ids(body, 'events')).toEqual(['304', '307']);
  });

  it.each([
    ['/events?from=2026-02-30', 'from', /YYYY-MM-DD/],
    ['/events?from=sábado', 'from', /YYYY-MM-DD/],
    ['/events?from=2026-03-07&to=2026-03-01', 'to', /on or after 2026-03-07/],
    ['/events?from=2026-01-01&to=2027-06-01', 'to', /shorter/],
    ['/events?limit=0', 'limit', /1 to 25/],
    ['/events?limit=26', 'limit', /1 to 25/],
    ['/events?limit=ten', 'limit', /1 to 25/],
    [`/events?q=${'x'.repeat(101)}`, 'q', /at most 100/],
  ])('%s → 400 naming %s and a valid value', async (target, parameter, expected) => {
    const { status, body } = await call('GET', target);
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: 'invalid_parameter', parameter });
    expect(String(body.expected)).toMatch(expected);
    expect(String(body.message)).toContain(parameter);
  });

  it('treats blank parameters as not given', async () => {
    const { status, body } = await call('GET', '/events?from=&to=&q=%20');
    expect(status).toBe(200);
    expect(body.from).toBe('2026-03-05');
  });
});

describe('GET /places (findPlaces)', () => {
  it('finds by name, best match first, with location, hours, phone and web', async () => {
    const { status, body } = await call('GET', '/places?name=chucao');
    expect(status).toBe(200);
    expect(ids(body, 'places')).toEqual(['201', '101']);
    expect(listOf<Row>(body, 'places')[1]).toEqual({
      source_id: '101',
      type: 'stores',
      title: 'Óptica Chucao',
      level: 'Nivel 3',
      local: 'Isla 14',
      location: 'Sector Poniente',
      hours: 'Lunes a domingo de 10:00 a 21:00 hrs.',
      hours_today: '10:00–21:00',
      open_now: true,
      phone: '(2) 2719 3761',
      email: 'hola@optica-chucao.example',
      web: 'https://www.optica-chucao.example/',
      categories: ['Óptica'],
      url: 'https://mall.example.cl/stores/optica-chucao/',
      summary: 'Óptica Chucao es tu tienda de óptica: lentes de contacto y exámenes de la vista.',
    });
  });

  it('reports unreadable or missing hours as unknown (open_now null), never guessed', async () => {
    const { body } = await call('GET', '/places?type=stores&limit=25');
    const byId = new Map(listOf<Row>(body, 'places').map((p) => [p.source_id, p]));
    expect(byId.get('105')).toMatchObject({ hours: 'Consultar en tienda', open_now: null });
    expect(byId.get('105')).not.toHaveProperty('hours_today');
    expect(byId.get('106')).not.toHaveProperty('hours');
    expect(byId.get('106')?.open_now).toBeNull();
    expect(byId.get('103')?.web).toBe('https://deportes-andes.example/');
  });

  it('matches levels however they are written', async () => {
    const level = async (l: string) =>
      ids((await call('GET', `/places?level=${encodeURIComponent(l)}`)).body, 'places');
    expect(await level('3')).toEqual(['101', '102']);
    expect(await level('Nivel 3')).toEqual(['101', '102']);
    expect(await level('nivel 2')).toEqual(['203', '201', '106', '107']);
    expect(await level('-1')).toEqual(['104']);
    expect(await level('1')).toEqual(['103']);
    expect(await level('subterraneo')).toEqual(['105']);
  });

  it('matches a category on taxonomy terms, and on the description for places without terms, saying so', async () => {
    // 101 has the term "Óptica"; 102 has no terms, its description says "lentes ópticos".
    const { body } = await call('GET', '/places?category=%C3%B3ptica');
    expect(ids(body, 'places')).toEqual(['101', '102']);
    expect(String(body.note)).toMatch(/description/);
    const sushi = await call('GET', '/places?category=sushi');
    expect(ids(sushi.body, 'places')).toEqual(['201']);
    expect(listOf<Row>(sushi.body, 'places')[0]?.categories).toEqual(['Comida japonesa', 'Sushi']);
    expect(sushi.body.note).toBeUndefined();
    // Terms win over the description: 105's description says "zapatos", its terms do not say "zapatos".
    expect(ids((await call('GET', '/places?category=zapatos')).body, 'places')).toEqual([]);
    expect(ids((await call('GET', '/places?category=calzado')).body, 'places')).toEqual(['105']);
  });

  it('filters by type; an unknown type is a 400 listing the allowed ones', async () => {
    const { body } = await call('GET', '/places?type=restaurant');
    expect(ids(body, 'places')).toEqual(['202', '203', '201']);
    const bad = await call('GET', '/places?type=cinema');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ parameter: 'type', expected: 'one of: stores, restaurant' });
  });

  it('suggests close names when nothing matches', async () => {
    const { body } = await call('GET', '/places?name=optica%20chukao');
    expect(body.total).toBe(0);
    expect(listOf<string>(body, 'did_you_mean')[0]).toBe('Óptica Chucao');
  });
});

describe('taxonomy terms in the catalog', () => {
  it('are read whatever their shape, and absent or empty taxonomies give none', () => {
    const entry = (taxonomies: unknown) =>
      ({ source_id: '1', content_type: 'stores', title: 't', taxonomies }) as Parameters<typeof termsOf>[0];
    expect(termsOf(entry({ category: ['Moda', 'Vestuario'], brand: ['Maule'] }))).toEqual([
      'Moda',
      'Vestuario',
      'Maule',
    ]);
    expect(termsOf(entry({ category: [{ id: 1, name: 'Moda' }] }))).toEqual(['Moda']);
    expect(termsOf(entry({ category: [] }))).toEqual([]);
    expect(termsOf(entry({}))).toEqual([]);
    expect(termsOf(entry(undefined))).toEqual([]);
  });

  it('still serves a catalog written before taxonomies existed (no taxonomies key)', async () => {
    const old = createMemoryStorage();
    for (const [key, bytes] of store.snapshot()) {
      if (!key.startsWith('catalog/')) continue;
      const catalog = JSON.parse(bytes.toString('utf8'));
      for (const item of catalog.items) delete item.taxonomies;
      await old.put(key, JSON.stringify(catalog));
    }
    const { body } = await directory(old).call('GET', '/places?category=%C3%B3ptica');
    expect(ids(body, 'places')).toEqual(['101', '102']);
    expect(listOf<Row>(body, 'places')[0]).not.toHaveProperty('categories');
  });
});

describe('GET /places/open (listOpenPlaces)', () => {
  const open = async (query: string) => (await call('GET', `/places/open?limit=25&${query}`)).body;

  it('lists what is open at a local time with closing times; unknown hours are counted apart', async () => {
    const body = await open('at=2026-03-05T12:00');
    expect(body.at).toEqual({ date: '2026-03-05', weekday: 'jueves', time: '12:00', holiday: false });
    expect(body.counts).toEqual({ open: 8, closed: 0, unknown: 2 });
    expect(listOf<Row>(body, 'unknown_hours_examples')).toEqual(['Librería Quillay', 'Zapatería Llaima']);
    const volcan = listOf<Row>(body, 'open').find((p) => p.source_id === '202');
    expect(volcan).toMatchObject({ closes_at: '24:00', hours_that_day: '12:00–24:00' });
  });

  it('counts the night before: Saturday 01:00 is still Friday night', async () => {
    const body = await open('at=2026-03-07T01:00');
    expect(ids(body, 'open')).toEqual(['202', '104']);
    expect(listOf<Row>(body, 'open')[0]).toMatchObject({ title: 'Bar Volcán', closes_at: '02:00' });
    expect(body.counts).toEqual({ open: 2, closed: 6, unknown: 2 });
  });

  it('uses weekday-specific hours', async () => {
    const sunday = await open('at=2026-03-08T10:30');
    expect(ids(sunday, 'open')).not.toContain('103');
    expect(ids(sunday, 'open')).not.toContain('107');
    const thursday = await open('at=2026-03-05T10:30&type=stores');
    expect(ids(thursday, 'open')).toEqual(expect.arrayContaining(['103', '107']));
  });

  it('applies holiday hours when told the day is a holiday, and notes places without them', async () => {
    const body = await open('at=2026-03-05T10:30&holiday=true&type=stores');
    expect(ids(body, 'open')).not.toContain('103');
    expect(body.at).toMatchObject({ holiday: true });
    expect(listOf<string>(body, 'notes').join(' ')).toMatch(/do not state holiday hours/);
  });

  it('defaults to now; HH:MM means today', async () => {
    const now = await open('');
    expect(now.at).toMatchObject({ date: '2026-03-05', time: '12:00' });
    const tonight = await open('at=23:00');
    expect(tonight.at).toMatchObject({ date: '2026-03-05', time: '23:00' });
    expect(ids(tonight, 'open')).toEqual(['202', '104']);
  });

  it.each(['mañana', '2026-03-07T20:00-03:00', '2026-03-07T24:00', '2026-13-01T10:00'])(
    'at=%s → 400 with the expected format',
    async (value) => {
      const { status, body } = await call('GET', `/places/open?at=${encodeURIComponent(value)}`);
      expect(status).toBe(400);
      expect(body).toMatchObject({ parameter: 'at' });
      expect(String(body.expected)).toMatch(/YYYY-MM-DDTHH:MM in America\/Santiago/);
    },
  );

  it('rejects a holiday flag that is not true or false', async () => {
    const { status, body } = await call('GET', '/places/open?holiday=maybe');
    expect(status).toBe(400);
    expect(body.parameter).toBe('holiday');
  });
});

describe('GET /items/{sourceId} and GET /directory', () => {
  it('returns one place with its hours day by day', async () => {
    const { status, response, body } = await call('GET', '/items/103');
    expect(status).toBe(200);
    expect(response.response.apiPath).toBe('/items/{sourceId}');
    expect(body).toMatchObject({ source_id: '103', type: 'stores', title: 'Deportes Andes', open_now: true });
    expect(body.hours_by_day).toEqual({
      lunes: '10:00–21:00',
      martes: '10:00–21:00',
      miércoles: '10:00–21:00',
      jueves: '10:00–21:00',
      viernes: '10:00–21:00',
      sábado: '10:00–21:00',
      domingo: '11:00–20:00',
      festivos: '11:00–20:00',
    });
    expect(listOf<Row>(body, 'fields')).toContainEqual({ label: 'Teléfono', value: '+56 2 2333 4444' });
  });

  it('returns an event with its dates; an unknown id is a 404 saying where ids come from', async () => {
    const event = await call('GET', '/items/304');
    expect(event.body).toMatchObject({ type: 'event', start: '2026-02-28', end: '2026-03-06' });
    const missing = await call('GET', '/items/999');
    expect(missing.status).toBe(404);
    expect(String(missing.body.message)).toMatch(/listEvents or findPlaces/);
    const bad = await call('GET', '/items/a%20b');
    expect(bad.status).toBe(400);
  });

  it('describes today, the types, levels (one per level however written) and categories', async () => {
    const { body } = await call('GET', '/directory');
    expect(body.today).toMatchObject({ date: '2026-03-05', weekday: 'jueves' });
    expect(body.types).toEqual([
      { name: 'event', label: 'Eventos', kind: 'events', count: 7 },
      { name: 'stores', label: 'Tiendas', kind: 'places', count: 7 },
      { name: 'restaurant', label: 'Restaurantes', kind: 'places', count: 3 },
    ]);
    expect(body.levels).toEqual([
      { level: 'Nivel -1', places: 1 },
      { level: 'Nivel 1', places: 1 },
      { level: 'Nivel 2', places: 4 },
      { level: 'Nivel 3', places: 2 },
      { level: 'Nivel 4', places: 1 },
      { level: 'Subterráneo', places: 1 },
    ]);
    expect(body.categories).toEqual([
      { name: 'Moda', places: 2 },
      { name: 'Bar', places: 1 },
      { name: 'Café', places: 1 },
      { name: 'Calzado', places: 1 },
      { name: 'Comida japonesa', places: 1 },
      { name: 'Deportes', places: 1 },
      { name: 'Farmacia & Salud', places: 1 },
      { name: 'Óptica', places: 1 },
      { name: 'Sushi', places: 1 },
      { name: 'Vestuario', places: 1 },
    ]);
  });
});

describe('catalog availability', () => {
  it('answers 503 when no catalog of the needed types exists, and serves the others', async () => {
    const eventsOnly = await buildStore(config, { event: actionFixture('event') });
    const d = directory(eventsOnly);
    const places = await d.call('GET', '/places?name=chucao');
    expect(places.status).toBe(503);
    expect(places.body.error).toBe('data_unavailable');
    expect(String(places.body.message)).toMatch(/knowledge base/);
    expect((await d.call('GET', '/events')).status).toBe(200);
    const dir = await d.call('GET', '/directory');
    expect(dir.body.missing_catalogs).toEqual(['stores', 'restaurant']);
  });

  it('answers 500 (not a throw) when a catalog is corrupt or the store fails', async () => {
    const corrupt = createMemoryStorage();
    await corrupt.put('catalog/event.json', '{"items": [');
    const a = await directory(corrupt).call('GET', '/events');
    expect(a.status).toBe(500);
    expect(a.body.error).toBe('catalog_unreadable');

    const failing: Storage = {
      ...store,
      location: 's3://broken',
      list: async () => {
        throw new Error('AccessDenied');
      },
    };
    const b = await directory(failing as never).call('GET', '/events');
    expect(b.status).toBe(500);
    expect(b.body.error).toBe('catalog_unreadable');
    expect(JSON.stringify(b.body)).not.toContain('AccessDenied');
  });
});

describe('catalog cache', () => {
  function counting(inner: Storage) {
    const counts = { get: 0, list: 0 };
    const storage: Storage = {
      location: inner.location,
      get: (key) => {
        counts.get++;
        return inner.get(key);
      },
      list: (prefix) => {
        counts.list++;
        return inner.list(prefix);
      },
      put: (key, body) => inner.put(key, body),
      delete: (keys) => inner.delete(keys),
      getTagged: (key) => inner.getTagged(key),
      putIf: (key, body, condition) => inner.putIf(key, body, condition),
      deleteIf: (key, etag) => inner.deleteIf(key, etag),
    };
    return { storage, counts };
  }

  it('reads a catalog once per container and again only when the object changed', async () => {
    const live = await buildStore(config);
    const { storage, counts } = counting(live);
    let now = Date.parse(NOW);
    const clock: Clock = { now: () => new Date(now) };
    const handler = makeActionHandler({ config, storage, clock, log: silentLog, catalogCheckSeconds: 60 });
    const titles = async () =>
      JSON.parse(
        (await handler(localActionEvent('GET', '/places?type=restaurant'))).response.responseBody[
          'application/json'
        ].body,
      ).places.map((p: Row) => p.title);

    expect(await titles()).toEqual(['Bar Volcán', 'Café Arrayán', 'Chucao Nikkei']);
    expect(counts).toEqual({ get: 1, list: 1 });
    await titles();
    expect(counts).toEqual({ get: 1, list: 1 }); // within the check interval: no store call at all

    const renamed = actionFixture('restaurant').map((item) =>
      item.id === 203 ? ({ ...item, title: { rendered: 'Café Arrayán Express' } } as WpItem) : item,
    );
    await buildStore(config, { restaurant: renamed }, live);
    now += 30_000;
    expect(await titles()).toEqual(['Bar Volcán', 'Café Arrayán', 'Chucao Nikkei']); // still trusted
    now += 31_000;
    expect(await titles()).toEqual(['Bar Volcán', 'Café Arrayán Express', 'Chucao Nikkei']);
    expect(counts).toEqual({ get: 2, list: 2 });
    now += 61_000;
    await titles();
    expect(counts).toEqual({ get: 2, list: 3 }); // listed again, unchanged: not read again
  });

  it('keeps serving loaded catalogs when a later check of the store fails', async () => {
    const live = await buildStore(config);
    let failing = false;
    const flaky: Storage = {
      ...live,
      location: live.location,
      list: async (prefix) => {
        if (failing) throw new Error('SlowDown');
        return live.list(prefix);
      },
    };
    const d = directory(flaky as never);
    expect((await d.call('GET', '/places?type=restaurant')).body.total).toBe(3);
    failing = true;
    expect((await d.call('GET', '/places?type=restaurant')).body.total).toBe(3);
    expect((await d.call('GET', '/events')).status).toBe(200);
  });

  it('forgets a catalog that disappeared', async () => {
    const live = await buildStore(config);
    const cache = createCatalogCache({
      storage: live,
      clock: fixedClock(NOW),
      log: silentLog,
      checkIntervalMs: 0,
    });
    expect((await cache.load(['stores'])).items.get('stores')).toHaveLength(7);
    await live.delete(['catalog/stores.json']);
    expect(await cache.load(['stores'])).toEqual({ items: new Map(), missing: ['stores'] });
  });
});

describe('oversized results', () => {
  it('keeps bodies under the byte cap by dropping whole items and counting them in "more"', async () => {
    const template = actionFixture('stores')[0] as WpItem;
    const many: WpItem[] = Array.from({ length: 300 }, (_, i) => ({
      ...template,
      id: 1000 + i,
      slug: `tienda-${i}`,
      link: `https://mall.example.cl/stores/tienda-${i}/`,
      title: { rendered: `Tienda número ${i} ${'con un nombre muy largo para ocupar espacio '.repeat(12)}` },
      content: {
        rendered: `<p>${'Descripción larga de la tienda con muchos productos. '.repeat(20)}</p>`,
        protected: false,
      },
    }));
    const big = await buildStore(config, { stores: many, restaurant: [], event: [] });
    for (const cap of [20_000, 4_000]) {
      const { body, response } = await directory(big, config, NOW, cap).call(
        'GET',
        '/places?type=stores&limit=25',
      );
      const bytes = Buffer.byteLength(response.response.responseBody['application/json'].body);
      expect(bytes).toBeLessThanOrEqual(cap);
      expect(body.total).toBe(300);
      expect(body.truncated_for_size).toBe(true);
      expect(Number(body.returned) + Number(body.more)).toBe(300);
      expect(listOf(body, 'places')).toHaveLength(Number(body.returned));
      expect(Number(body.returned)).toBeGreaterThan(0);
    }
    // The default cap, by the default handler settings: under Bedrock's ~25 KB.
    const { response } = await directory(big).call('GET', '/places/open?limit=25&at=2026-03-05T12:00');
    expect(Buffer.byteLength(JSON.stringify(response))).toBeLessThan(25_000);
  });
});

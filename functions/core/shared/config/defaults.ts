import type { ConfigInput } from './schema.js';

const STORE_INFO = 'acf.informacion_tienda.0.info';

/**
 * The reference site: a Chilean shopping mall publishing events, stores and restaurants in Spanish.
 * Every value here can be overridden from cdk.json context (`wpkb`), the environment or CLI flags.
 */
export const referenceMallConfig = {
  env: 'dev',
  site: { url: 'https://mall.example.cl', timeZone: 'America/Santiago', language: 'es' },
  fieldLabels: {
    informacion_tienda: 'Información',
    informacion_destacada: 'Destacado',
    info: 'Información',
    schedule: 'Horario',
    place: 'Ubicación',
    level: 'Nivel',
    local: 'Local',
    phone: 'Teléfono',
    mail: 'Correo',
    page_link: 'Sitio web',
    rrss: 'Redes sociales',
    hours: 'Horarios',
    hour: 'Hora',
    organizer: 'Organiza',
    cards: 'Detalle',
    data: 'Datos',
    date: 'Fecha',
    description: 'Descripción',
    button: 'Botón',
    anchor: 'Enlace',
    url: 'URL',
    title: 'Título',
  },
  contentTypes: [
    {
      name: 'event',
      restBase: 'event',
      label: 'Evento',
      labelPlural: 'Eventos',
      textFields: ['content', 'excerpt', 'acf'],
      dateField: 'acf.informacion_tienda.0.cards.0.data.date',
      metadata: [{ name: 'place', path: 'acf.informacion_tienda.0.cards.0.data.place', type: 'string' }],
      taxonomies: [
        { restBase: 'categoria_evento', name: 'category', label: 'Categoría' },
        // Optional, like every configured taxonomy: a site whose events carry no WordPress tags (the
        // demo site's do not) runs with a warning and documents without the line.
        { restBase: 'tags', name: 'tags', label: 'Etiquetas' },
      ],
    },
    {
      name: 'stores',
      restBase: 'stores',
      label: 'Tienda',
      labelPlural: 'Tiendas',
      textFields: ['content', 'excerpt', 'acf'],
      metadata: [
        { name: 'level', path: `${STORE_INFO}.level`, type: 'string' },
        { name: 'local', path: `${STORE_INFO}.local`, type: 'string' },
      ],
      taxonomies: [{ restBase: 'categoria_tienda', name: 'category', label: 'Categoría' }],
    },
    {
      name: 'restaurant',
      restBase: 'restaurant',
      label: 'Restaurante',
      labelPlural: 'Restaurantes',
      textFields: ['content', 'excerpt', 'acf'],
      metadata: [
        { name: 'level', path: `${STORE_INFO}.level`, type: 'string' },
        { name: 'local', path: `${STORE_INFO}.local`, type: 'string' },
      ],
      taxonomies: [{ restBase: 'tipo_comida', name: 'category', label: 'Tipo de comida' }],
    },
  ],
} satisfies ConfigInput;

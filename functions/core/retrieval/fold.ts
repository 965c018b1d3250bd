/**
 * How retrieval compares words: lower case, NFD, combining marks removed, so "Teléfono", "TELEFONO"
 * and "telefono" are one word (ñ → n as well: phones often type it that way). The local index's
 * tokenizer and the canaries' title match both use it.
 */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '');
}

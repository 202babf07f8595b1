/**
 * Scan rendering, splitting, header OCR and roster matching (DESIGN §7) arrive with the scan issue;
 * this file marks the library's entry point.
 */
export {};
export * from './pdf-limits.js';
export * from './inspect-pdf.js';
export * from './render-pool.js';
export * from './split-copies.js';
export * from './header-fields.js';
export * from './read-header.js';
export * from './tesseract-pool.js';
export * from './vision-reader.js';
export * from './match-roster.js';
export * from './normalise-name.js';
export * from './encode-canvas.js';
export * from './mask-header.js';

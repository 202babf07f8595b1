/**
 * Scan rendering, splitting, header OCR and roster matching (DESIGN §7) arrive with the scan issue;
 * this file marks the library's entry point.
 */
export {};

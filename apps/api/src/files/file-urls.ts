/**
 * Where the portal fetches images (DESIGN §6: authorised file downloads, never a static folder).
 * Built here only, so the portal never assembles a path itself and the routes can move in one place.
 */
export const FILES_ROUTE = 'api/files';

/** A page's view image: the server picks the masked or plain variant for the caller. */
export const pageImageUrl = (pageId: string): string => `/${FILES_ROUTE}/pages/${encodeURIComponent(pageId)}`;

/** A copy's header crop, for the identification desk (admins only). */
export const headerImageUrl = (copyId: string): string => `/${FILES_ROUTE}/copies/${encodeURIComponent(copyId)}/header`;

/** A copy's corrected PDF: the server picks the variant for the caller (issue 6). */
export const correctedCopyUrl = (copyId: string): string => `/${FILES_ROUTE}/copies/${encodeURIComponent(copyId)}/corrected.pdf`;

/** Every corrected PDF of an exam in one ZIP (admins only). */
export const correctedCopiesArchiveUrl = (examId: string): string => `/${FILES_ROUTE}/exams/${encodeURIComponent(examId)}/corrected.zip`;

import type { CopyEvent, CopyFlagReason, CopyState } from '#domain';

/** Names for ids (staff and students) and labels for question ids, looked up once per history. */
export interface SummaryContext {
  readonly name: (id: string) => string;
  readonly question: (questionId: string) => string;
}

const FLAGS: Record<CopyFlagReason, string> = {
  missing_pages: 'pages manquantes',
  blank_pages: 'pages blanches',
  duplicate_pages: 'pages en double',
  no_header: 'en-tête absent',
  other: 'autre problème',
};
const KINDS: Record<string, string> = {
  pen: 'trait',
  highlighter: 'surlignage',
  box: 'cadre',
  comment: 'commentaire',
  tick: 'coche',
  cross: 'croix',
};

const time = (iso: string): string =>
  new Date(iso).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', hour: '2-digit', minute: '2-digit' });
const points = (value: number): string => `${value.toLocaleString('fr-FR')} pt${Math.abs(value) >= 2 ? 's' : ''}`;
const because = (reason: string | undefined): string => (reason ? ` : « ${reason} »` : '');

/**
 * One line of French per event, as the audit timeline shows it. `before` is the copy just before
 * the event (for page numbers and the holder of a lock).
 */
export const summarise = (event: CopyEvent, before: CopyState, ctx: SummaryContext): string => {
  const page = (pageId: string): string => {
    const found = before.pages.find((p) => p.pageId === pageId);
    return found ? `page ${found.number}` : 'page inconnue';
  };
  switch (event.type) {
    case 'CopyImported':
      return `Copie importée sous le code ${event.data.anonymousCode} (${event.data.pages.length} page${event.data.pages.length > 1 ? 's' : ''})`;
    case 'HeaderRead':
      return `En-tête lu par ${event.data.engine} (confiance ${Math.round(event.data.confidence * 100)} %)`;
    case 'StudentIdentified':
      return `Élève identifié : ${ctx.name(event.data.studentId)} (${event.data.method === 'auto' ? 'automatique' : 'manuelle'})`;
    case 'IdentificationCleared':
      return `Identification de ${ctx.name(event.data.studentId)} annulée${because(event.data.reason)}`;
    case 'CopyFlagged':
      return `Copie signalée : ${FLAGS[event.data.reason] ?? event.data.reason}${event.data.note ? ` — ${event.data.note}` : ''}`;
    case 'PagesReordered':
      return 'Pages remises dans l’ordre de lecture';
    case 'CopyFlagCleared':
      return `Signalement levé : ${FLAGS[event.data.reason] ?? event.data.reason}`;
    case 'PagesDetached':
      return `${event.data.pages.length > 1 ? `${event.data.pages.length} pages retirées` : 'Page retirée'} (${event.data.pages.map((p) => `page ${p.number}`).join(', ')}) vers ${event.data.newCopy ? 'une nouvelle copie' : 'une autre copie'}`;
    case 'PagesAttached':
      return `${event.data.pages.length > 1 ? `${event.data.pages.length} pages reçues` : 'Page reçue'} d’une autre copie (${event.data.pages.map((p) => `page ${p.number}`).join(', ')})`;
    case 'CopyDiscarded':
      return `Copie fusionnée dans une autre par ${ctx.name(event.data.by)} : elle n’est plus utilisée`;
    case 'CopyAssigned':
      return `Attribuée à ${ctx.name(event.data.correctorId)}`;
    case 'CopyLocked':
      return `Verrouillée par ${ctx.name(event.data.holderId)} jusqu’au ${time(event.data.leaseUntil)}`;
    case 'LockRenewed':
      return `Verrou de ${ctx.name(event.data.holderId)} prolongé jusqu’au ${time(event.data.leaseUntil)}`;
    case 'CopyUnlocked':
      return `Déverrouillée par ${ctx.name(event.data.holderId)}`;
    case 'LockExpired':
      return `Verrou de ${ctx.name(event.data.holderId)} expiré (bail échu le ${time(event.data.leaseUntil)})`;
    case 'LockForceReleased':
      return `Verrou de ${ctx.name(event.data.holderId)} retiré par ${ctx.name(event.data.adminId)}${because(event.data.reason)}`;
    case 'AnnotationAdded':
      return `Annotation ajoutée (${KINDS[event.data.annotation.kind] ?? event.data.annotation.kind}, ${page(event.data.annotation.pageId)})`;
    case 'AnnotationEdited':
      return `Annotation modifiée (${KINDS[event.data.annotation.kind] ?? event.data.annotation.kind}, ${page(event.data.annotation.pageId)})`;
    case 'AnnotationRemoved': {
      const removed = Object.hasOwn(before.annotations, event.data.annotationId) ? before.annotations[event.data.annotationId] : undefined;
      return removed ? `Annotation supprimée (${KINDS[removed.kind] ?? removed.kind}, ${page(removed.pageId)})` : 'Annotation supprimée';
    }
    case 'ScoreAwarded':
      return `${ctx.question(event.data.questionId)} : ${points(event.data.points)} (barème v${event.data.scaleVersion})`;
    case 'RemarkWritten':
      return event.data.text === ''
        ? `Remarque retirée : ${ctx.question(event.data.questionId)}`
        : `Remarque sur ${ctx.question(event.data.questionId)} : « ${event.data.text} »`;
    case 'AppreciationWritten':
      return event.data.text === '' ? 'Appréciation effacée' : `Appréciation : « ${event.data.text} »`;
    case 'CopyFinalized':
      return `Copie finalisée : ${event.data.total.toLocaleString('fr-FR')} / ${event.data.max.toLocaleString('fr-FR')} (barème v${event.data.scaleVersion})`;
    case 'AiSuggestionRequested':
      return `Suggestions IA demandées par ${ctx.name(event.data.by)} (modèle ${event.data.model})`;
    case 'AiSuggestionProduced':
      return `Suggestions IA reçues pour ${event.data.suggestions.length} question(s) en ${(event.data.latencyMs / 1000).toLocaleString('fr-FR')} s`;
    case 'AiSuggestionFailed':
      return `Suggestions IA en échec : ${event.data.reason.message}`;
    case 'AiSuggestionReviewed': {
      const verb = { accepted: 'acceptée', edited: 'modifiée', dismissed: 'ignorée' }[event.data.decision];
      const given = event.data.points === undefined ? '' : ` (${points(event.data.points)})`;
      return `Suggestion IA ${verb} par ${ctx.name(event.data.by)} : ${ctx.question(event.data.questionId)}${given}`;
    }
    case 'CopyReopened':
      return `Copie rouverte par ${ctx.name(event.data.adminId)}${because(event.data.reason)}`;
    case 'CorrectedCopyRendered':
      return `PDF de la copie corrigée produit${event.data.named ? ' (version anonyme et version nominative)' : ' (version anonyme)'}`;
  }
};

/** Every id an event names, so their names are looked up in one query. */
export const idsIn = (event: CopyEvent): string[] => {
  const data = event.data as Record<string, unknown>;
  return ['studentId', 'correctorId', 'holderId', 'adminId', 'by'].flatMap((key) => (typeof data[key] === 'string' ? [data[key]] : []));
};

import { inject, provide, type InjectionKey } from 'vue';

/**
 * The correction workspace's words, French first. The portal's vue-i18n can merge these under a `copy`
 * namespace (`{ fr: { copy: copyMessages.fr } }`) and hand its own `t` to provideCopyTranslator; until
 * then the components speak French on their own. Placeholders use vue-i18n's `{name}` syntax, and no
 * message uses `|` or `@`, which vue-i18n would read as plural or link.
 */
const fr = {
  tool: {
    pen: 'Stylo (P)',
    highlighter: 'Surligneur (H)',
    box: 'Cadre (B)',
    comment: 'Commentaire (T)',
    tick: 'Coche (V)',
    cross: 'Croix (X)',
    eraser: 'Gomme (E)',
    select: 'Déplacer (S)',
    undo: 'Annuler (Ctrl+Z)',
    redo: 'Rétablir (Ctrl+Maj+Z)',
    label: 'Outils d’annotation',
  },
  comment: {
    placeholder: 'Commentaire… (Entrée valide, Maj+Entrée à la ligne, Échap annule)',
    label: 'Commentaire sur la copie',
  },
  viewer: {
    label: 'Pages de la copie',
    page: 'Page {n} sur {total}',
    previous: 'Page précédente',
    next: 'Page suivante',
    zoomIn: 'Zoom avant (+)',
    zoomOut: 'Zoom arrière (−)',
    fitWidth: 'Pleine largeur',
    fitPage: 'Page entière',
    hand: 'Main : faire glisser la page (ou Espace + glisser)',
    thumbnails: 'Miniatures',
    thumbnail: 'Aller à la page {n}',
    loading: 'Chargement de la page…',
    failed: 'La page {n} n’a pas pu être chargée.',
  },
  grading: {
    label: 'Barème',
    points: 'Points de « {label} » sur {max}',
    outOf: '/ {max}',
    subtotal: 'Sous-total',
    total: 'Total',
    on20: 'Sur 20',
    notScored: 'non noté',
    invalid: '« {text} » n’est pas un nombre.',
    clampedMax: 'Ramené à {value} : le maximum est {max}.',
    clampedMin: 'Ramené à 0 : une note n’est pas négative.',
    rounded: 'Arrondi à {value} (pas de {step}).',
    remark: 'Remarque',
    remarkFor: 'Remarque sur « {label} »',
    appreciation: 'Appréciation générale',
    finalize: 'Finaliser la copie',
    confirmFinalize: 'Confirmer : {total} / {max} ({on20} / 20)',
    cancel: 'Annuler',
    checklist: 'Avant de finaliser',
    checkScored: 'Toutes les questions sont notées ({scored} sur {count})',
    checkSaved: 'Tout est enregistré',
    checkLock: 'Vous avez la main sur la copie',
    checkAppreciation: 'Une appréciation est écrite (conseillé)',
    finalised: 'Copie finalisée : {total} / {max}.',
  },
  lock: {
    held: 'Vous avez la main sur cette copie ; le bail court encore {time}.',
    renewing: 'Prolongation du bail…',
    expiring: 'Le bail se termine dans {time} : il sera prolongé automatiquement.',
    expired: 'Votre bail a expiré : la copie est en lecture seule.',
    released: 'Un administrateur vous a retiré la main : {reason}',
    lost: 'Vous n’avez plus la main sur cette copie : elle est en lecture seule.',
    taken: '{holder} corrige cette copie : lecture seule.',
    someone: 'Une autre personne',
    takeBackFailed: 'La copie n’a pas pu être reprise : vérifiez la connexion et réessayez.',
    free: 'Personne ne corrige cette copie.',
    takeBack: 'Reprendre la main',
    acquiring: 'Prise de la main…',
    readOnly: 'Lecture seule',
    unknownReason: 'raison non précisée',
  },
  save: {
    saved: 'Enregistré',
    saving: 'Enregistrement…',
    offline: 'Hors ligne — {count} en attente',
    retrying: 'Serveur injoignable — {count} en attente, nouvel essai à {time}',
    error: 'Non enregistré : {message}',
    retry: 'Réessayer',
    discard: 'Abandonner les modifications en attente',
    errors: {
      FORBIDDEN: 'vous n’avez pas (ou plus) la main sur cette copie. Reprenez la main, puis réessayez.',
      CONFLICT: 'la copie a changé entre-temps (bail expiré, copie finalisée ou reprise). Reprenez la main, puis réessayez.',
      UNAUTHENTICATED: 'votre session a expiré. Reconnectez-vous : les modifications en attente sont gardées.',
      BAD_USER_INPUT: 'le serveur a refusé une modification, qui a été retirée de l’écran.',
      NOT_FOUND: 'une modification portait sur un élément qui n’existe plus ; elle a été retirée de l’écran.',
      other: 'le serveur a refusé une modification ({code}).',
    },
  },
};

export type CopyMessages = typeof fr;

const en: CopyMessages = {
  tool: {
    pen: 'Pen (P)',
    highlighter: 'Highlighter (H)',
    box: 'Box (B)',
    comment: 'Comment (T)',
    tick: 'Tick (V)',
    cross: 'Cross (X)',
    eraser: 'Eraser (E)',
    select: 'Move (S)',
    undo: 'Undo (Ctrl+Z)',
    redo: 'Redo (Ctrl+Shift+Z)',
    label: 'Annotation tools',
  },
  comment: {
    placeholder: 'Comment… (Enter saves, Shift+Enter new line, Esc cancels)',
    label: 'Comment on the copy',
  },
  viewer: {
    label: 'Pages of the copy',
    page: 'Page {n} of {total}',
    previous: 'Previous page',
    next: 'Next page',
    zoomIn: 'Zoom in (+)',
    zoomOut: 'Zoom out (−)',
    fitWidth: 'Fit width',
    fitPage: 'Whole page',
    hand: 'Hand: drag the page (or Space + drag)',
    thumbnails: 'Thumbnails',
    thumbnail: 'Go to page {n}',
    loading: 'Loading the page…',
    failed: 'Page {n} could not be loaded.',
  },
  grading: {
    label: 'Grading scale',
    points: 'Points for “{label}” out of {max}',
    outOf: '/ {max}',
    subtotal: 'Subtotal',
    total: 'Total',
    on20: 'Out of 20',
    notScored: 'not scored',
    invalid: '“{text}” is not a number.',
    clampedMax: 'Brought down to {value}: the maximum is {max}.',
    clampedMin: 'Brought up to 0: a score is never negative.',
    rounded: 'Rounded to {value} (step {step}).',
    remark: 'Remark',
    remarkFor: 'Remark on “{label}”',
    appreciation: 'Overall appreciation',
    finalize: 'Finalise the copy',
    confirmFinalize: 'Confirm: {total} / {max} ({on20} / 20)',
    cancel: 'Cancel',
    checklist: 'Before finalising',
    checkScored: 'Every question is scored ({scored} of {count})',
    checkSaved: 'Everything is saved',
    checkLock: 'You hold the copy',
    checkAppreciation: 'An appreciation is written (advised)',
    finalised: 'Copy finalised: {total} / {max}.',
  },
  lock: {
    held: 'You hold this copy; the lease runs for {time} more.',
    renewing: 'Renewing the lease…',
    expiring: 'The lease ends in {time}: it will be renewed automatically.',
    expired: 'Your lease expired: the copy is read-only.',
    released: 'An administrator took the copy back: {reason}',
    lost: 'You no longer hold this copy: it is read-only.',
    taken: '{holder} is correcting this copy: read-only.',
    someone: 'Someone else',
    takeBackFailed: 'The copy could not be taken back: check the connection and try again.',
    free: 'Nobody is correcting this copy.',
    takeBack: 'Take the copy back',
    acquiring: 'Taking the copy…',
    readOnly: 'Read-only',
    unknownReason: 'no reason given',
  },
  save: {
    saved: 'Saved',
    saving: 'Saving…',
    offline: 'Offline — {count} pending',
    retrying: 'Server unreachable — {count} pending, next try at {time}',
    error: 'Not saved: {message}',
    retry: 'Try again',
    discard: 'Discard the pending changes',
    errors: {
      FORBIDDEN: 'you do not (or no longer) hold this copy. Take it back, then try again.',
      CONFLICT: 'the copy changed meanwhile (lease expired, copy finalised or taken). Take it back, then try again.',
      UNAUTHENTICATED: 'your session expired. Sign in again: the pending changes are kept.',
      BAD_USER_INPUT: 'the server refused a change, which was taken off the screen.',
      NOT_FOUND: 'a change was about something that no longer exists; it was taken off the screen.',
      other: 'the server refused a change ({code}).',
    },
  },
};

export const copyMessages = { fr, en } as const;

export type CopyTranslate = (key: string, params?: Readonly<Record<string, string | number>>) => string;

/** Looks a dotted key up in a dictionary and fills its `{name}` placeholders. */
export const translatorFor =
  (messages: CopyMessages): CopyTranslate =>
  (key, params = {}) => {
    const found = key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], messages);
    if (typeof found !== 'string') return key;
    return found.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
  };

const TRANSLATE: InjectionKey<CopyTranslate> = Symbol('copy-translate');
const french = translatorFor(fr);

/** The page wires the portal's i18n once: `provideCopyTranslator((key, params) => t(`copy.${key}`, params))`. */
export const provideCopyTranslator = (translate: CopyTranslate): void => provide(TRANSLATE, translate);
export const useCopyTranslator = (): CopyTranslate => inject(TRANSLATE, french);

/** Points as a French reader writes them: 12,5 — never 12.50 nor 12.499999. */
export const formatPoints = (value: number, locale = 'fr-FR'): string =>
  new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);

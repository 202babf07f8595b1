import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

/** argon2id with OWASP's baseline (19 MiB, 2 passes). */
const ARGON2ID = 2; // Algorithm.Argon2id: a const enum, unreadable under isolatedModules
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, OPTIONS);

export const verifyPassword = async (passwordHash: string, password: string): Promise<boolean> => {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
};

/** Compared against when the account does not exist, so timing does not tell which emails exist. */
let dummyHash: Promise<string> | null = null;
export const burnVerification = async (password: string): Promise<void> => {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
};

/** 12+ characters, not only letters or only digits. Returns a reason in French, or null when acceptable. */
export const passwordWeakness = (password: string): string | null => {
  if (password.length < 12) return 'Le mot de passe doit contenir au moins 12 caractères.';
  if (password.length > 256) return 'Le mot de passe est trop long (256 caractères au plus).';
  if (/^[a-zA-Z]+$/.test(password) || /^\d+$/.test(password)) return 'Le mot de passe doit mêler lettres, chiffres ou symboles.';
  return null;
};

/** Human-friendly one-time secret: 12 characters from an alphabet without look-alikes, grouped by 4. */
export const generateOneTimeCode = (): string => {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const bytes = randomBytes(12);
  const chars = [...bytes].map((byte) => alphabet[byte % alphabet.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8, 12).join('')}`;
};

/** How a typed access code is compared: codes are issued upper-case, and hashed as this returns them. */
export const normaliseAccessCode = (code: string): string => code.trim().toUpperCase();

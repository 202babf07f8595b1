/**
 * Password and access-code hashes are made outside the domain (argon2id) and are opaque here. We still
 * insist on the PHC string shape (`$argon2id$v=19$...`): events are kept forever, and a clear password
 * passed by mistake must be refused before it is written, not discovered in a backup.
 */
export const isPasswordHash = (value: string): boolean => /^\$[a-z0-9-]{1,32}\$\S{16,}$/.test(value);

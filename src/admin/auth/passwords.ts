/** Passwords are kept as argon2id hashes (Bun.password). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

export const hashPassword = (password: string): Promise<string> => Bun.password.hash(password, { algorithm: 'argon2id' });

export const verifyPassword = (password: string, hash: string): Promise<boolean> => Bun.password.verify(password, hash);

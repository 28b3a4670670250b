/** Passwords are kept as argon2id hashes (Bun.password). */
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

// OWASP's argon2id setting (19 MiB, 2 passes): Bun's default of 64 MiB per login
// would be most of the Admin's memory while a login is checked.
export const hashPassword = (password: string): Promise<string> =>
  Bun.password.hash(password, { algorithm: 'argon2id', memoryCost: 19_456, timeCost: 2 });

export const verifyPassword = (password: string, hash: string): Promise<boolean> => Bun.password.verify(password, hash);

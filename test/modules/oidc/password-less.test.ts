import { PasswordService } from '../../../src/modules/auth/password.service';
import { hasPassword, NO_PASSWORD, User } from '../../../src/modules/user/user.entity';

describe('an account without a password', () => {
  const passwords = new PasswordService({ memoryCost: 4096, timeCost: 1, parallelism: 1 });

  it('is marked by NO_PASSWORD', () => {
    expect(hasPassword(new User('sso-only', NO_PASSWORD, new Date()))).toBe(false);
    expect(hasPassword(new User('local', '$argon2id$v=19$m=4096,t=1,p=1$x$y', new Date()))).toBe(true);
  });

  it('never verifies, and costs a real argon2 verify like a wrong password (dummy hash)', async () => {
    const dummy = jest.spyOn(passwords, 'verifyDummy');
    for (const attempt of ['', 'anything', NO_PASSWORD]) expect(await passwords.verify(NO_PASSWORD, attempt)).toBe(false);
    expect(dummy).toHaveBeenCalledTimes(3);
  });
});

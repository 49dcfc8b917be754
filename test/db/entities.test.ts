import { User } from '../../src/modules/user/user.entity';
import { Session } from '../../src/modules/session/session.entity';
import { RefreshToken } from '../../src/modules/session/refresh-token.entity';
import { useFreshOrm } from '../helpers/database';

describe('entities', () => {
  const fresh = useFreshOrm();

  it('are not dirty right after loading, so a flush writes nothing back over concurrent changes', async () => {
    const now = new Date();
    const user = new User('clean', 'hash', now);
    const session = new Session({ userId: user.id, now, expiresAt: new Date(now.getTime() + 1000), ip: null, userAgent: null });
    await fresh.orm.em.fork().persist([user, session, new RefreshToken(session.id, 'h'.repeat(64), now)]).flush();

    const em = fresh.orm.em.fork();
    await em.findOneOrFail(User, { id: user.id });
    await em.findOneOrFail(Session, { id: session.id });
    await em.findOneOrFail(RefreshToken, { sessionId: session.id });
    em.getUnitOfWork().computeChangeSets();
    expect(em.getUnitOfWork().getChangeSets()).toHaveLength(0);
  });
});

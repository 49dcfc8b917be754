import { User } from '../../src/modules/user/user.entity';
import { Session } from '../../src/modules/session/session.entity';
import { RefreshToken } from '../../src/modules/session/refresh-token.entity';
import { Product } from '../../src/modules/product/product.entity';
import { Shopper } from '../../src/modules/shopper/shopper.entity';
import { CartItem } from '../../src/modules/cart/cart-item.entity';
import { Wishlist } from '../../src/modules/wishlist/wishlist.entity';
import { WishlistItem } from '../../src/modules/wishlist/wishlist-item.entity';
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

  it('shop entities too, loaded with their relations', async () => {
    const now = new Date();
    const seed = fresh.orm.em.fork();
    const user = new User('shopper', 'hash', now);
    await seed.persist(user).flush(); // Shopper's key is a plain column: the unit of work does not order it after users
    const shopper = new Shopper(user.id, now);
    const product = new Product({ name: 'Clean Mug', description: '', priceCents: 100, currency: 'EUR', now });
    const wishlist = new Wishlist();
    Object.assign(wishlist, { shopper: seed.getReference(Shopper, user.id, { wrapped: true }), createdAt: now });
    wishlist.rename('Clean', now);
    const line = Object.assign(new CartItem(), { shopper: seed.getReference(Shopper, user.id, { wrapped: true }), product, quantity: 2, addedAt: now });
    const item = Object.assign(new WishlistItem(), { wishlist: seed.getReference(Wishlist, wishlist.id, { wrapped: true }), product, addedAt: now });
    await seed.persist([shopper, product, wishlist, line, item]).flush();

    const em = fresh.orm.em.fork();
    const loaded = await em.findOneOrFail(Shopper, { userId: user.id }, { populate: ['cartItems.product', 'wishlists.items.product'] });
    expect(loaded.cartItems.getItems().map((l) => [l.quantity, l.product.name])).toEqual([[2, 'Clean Mug']]);
    expect(loaded.wishlists.getItems()[0].items.getItems().map((i) => i.product.id)).toEqual([product.id]);
    em.getUnitOfWork().computeChangeSets();
    expect(em.getUnitOfWork().getChangeSets()).toHaveLength(0);
  });
});

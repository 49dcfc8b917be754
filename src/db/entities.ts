import { UserSchema } from '../modules/user/user.entity';
import { SessionSchema } from '../modules/session/session.entity';
import { RefreshTokenSchema } from '../modules/session/refresh-token.entity';
import { AuditEventSchema } from '../modules/audit/audit-event.entity';
import { ProductSchema } from '../modules/product/product.entity';
import { ShopperSchema } from '../modules/shopper/shopper.entity';
import { CartItemSchema } from '../modules/cart/cart-item.entity';
import { WishlistSchema } from '../modules/wishlist/wishlist.entity';
import { WishlistItemSchema } from '../modules/wishlist/wishlist-item.entity';
import { IdentitySchema } from '../modules/oidc/identity.entity';
import { LoginCodeSchema } from '../modules/oidc/login-code.entity';
import { OidcFlowSchema } from '../modules/oidc/oidc-flow.entity';
import { AccessRoleSchema, RolePermissionSchema, UserRoleSchema } from '../modules/access/role.entity';
import { ApiTokenSchema } from '../modules/access/api-token.entity';
import { EmailTokenSchema } from '../modules/email/email-token.entity';
import { OutboxMailSchema } from '../modules/mail/outbox.entity';
import { MfaTicketSchema, PasskeySchema, RecoveryCodeSchema, TotpFactorSchema } from '../modules/mfa/mfa.entities';
import { Migration20261124000000_init } from './migrations/Migration20261124000000_init';
import { Migration20261124010000_audit } from './migrations/Migration20261124010000_audit';
import { Migration20261130000000_shop } from './migrations/Migration20261130000000_shop';
import { Migration20261130010000_products_seed } from './migrations/Migration20261130010000_products_seed';
import { Migration20261130020000_oidc } from './migrations/Migration20261130020000_oidc';
import { Migration20261201000000_access } from './migrations/Migration20261201000000_access';
import { Migration20261201120000_link_binding } from './migrations/Migration20261201120000_link_binding';
import { Migration20261201130000_email } from './migrations/Migration20261201130000_email';
import { Migration20261201140000_dpop } from './migrations/Migration20261201140000_dpop';
import { Migration20261201150000_retention } from './migrations/Migration20261201150000_retention';
import { Migration20261201150100_product_search } from './migrations/Migration20261201150100_product_search';
import { Migration20261201160000_mfa } from './migrations/Migration20261201160000_mfa';
import { Migration20261201170000_admin } from './migrations/Migration20261201170000_admin';

export const entities = [
  UserSchema,
  SessionSchema,
  RefreshTokenSchema,
  AuditEventSchema,
  ProductSchema,
  ShopperSchema,
  CartItemSchema,
  WishlistSchema,
  WishlistItemSchema,
  IdentitySchema,
  LoginCodeSchema,
  OidcFlowSchema,
  AccessRoleSchema,
  RolePermissionSchema,
  UserRoleSchema,
  ApiTokenSchema,
  EmailTokenSchema,
  OutboxMailSchema,
  TotpFactorSchema,
  RecoveryCodeSchema,
  PasskeySchema,
  MfaTicketSchema,
];

/** Listed explicitly so the same migrations run from src/ (tsx, jest) and dist/ (node). */
export const migrationsList = [
  { name: 'Migration20261124000000_init', class: Migration20261124000000_init },
  { name: 'Migration20261124010000_audit', class: Migration20261124010000_audit },
  { name: 'Migration20261130000000_shop', class: Migration20261130000000_shop },
  { name: 'Migration20261130010000_products_seed', class: Migration20261130010000_products_seed },
  { name: 'Migration20261130020000_oidc', class: Migration20261130020000_oidc },
  { name: 'Migration20261201000000_access', class: Migration20261201000000_access },
  { name: 'Migration20261201120000_link_binding', class: Migration20261201120000_link_binding },
  { name: 'Migration20261201130000_email', class: Migration20261201130000_email },
  { name: 'Migration20261201140000_dpop', class: Migration20261201140000_dpop },
  { name: 'Migration20261201150000_retention', class: Migration20261201150000_retention },
  { name: 'Migration20261201150100_product_search', class: Migration20261201150100_product_search },
  { name: 'Migration20261201160000_mfa', class: Migration20261201160000_mfa },
  { name: 'Migration20261201170000_admin', class: Migration20261201170000_admin },
];

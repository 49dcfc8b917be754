import { Migration } from '@mikro-orm/migrations';

/** [name, description, price in cents]; every seeded product is in EUR. */
const CATALOGUE: ReadonlyArray<readonly [string, string, number]> = [
  ['Espresso Beans, 1 kg', 'Dark roast, chocolate and hazelnut notes.', 2490],
  ['Filter Coffee, 500 g', 'Light roast from Ethiopia, floral and bright.', 1390],
  ['Green Tea Sencha, 100 g', 'Steamed Japanese green tea, loose leaf.', 990],
  ['Earl Grey Tea, 100 g', 'Black tea with bergamot oil.', 790],
  ['Ceramic Mug', 'Stoneware mug, 350 ml, dishwasher safe.', 1200],
  ['Travel Mug', 'Insulated steel mug with a leak-proof lid, 450 ml.', 2400],
  ['Pour-Over Dripper', 'Porcelain dripper for size 02 filters.', 2200],
  ['Paper Filters, 100 pack', 'Unbleached filters, size 02.', 450],
  ['Hand Grinder', 'Conical burr grinder with 30 settings.', 6900],
  ['Milk Frother', 'Battery whisk for milk foam.', 1500],
  ['Kitchen Scale', 'Scale with timer, 0.1 g resolution.', 2900],
  ['Gooseneck Kettle', 'Electric kettle with temperature control, 1 l.', 7900],
  ['French Press', 'Glass press for four cups, 1 l.', 3200],
  ['Moka Pot', 'Aluminium stovetop brewer, six cups.', 2800],
  ['Cold Brew Bottle', 'Glass bottle with a fine mesh filter, 1 l.', 2600],
  ['Notebook A5, Dotted', '192 pages of 100 g/m² paper.', 1650],
  ['Notebook A5, Lined', '192 pages of 100 g/m² paper.', 1650],
  ['Fountain Pen', 'Steel nib, medium, with a converter.', 3500],
  ['Ink Bottle, Blue-Black', '50 ml of fountain pen ink.', 1100],
  ['Pencil Set', 'Twelve graphite pencils from 4H to 8B.', 1400],
  ['Desk Lamp', 'LED lamp with dimmer and adjustable arm.', 4900],
  ['Laptop Stand', 'Aluminium stand with six heights.', 3900],
  ['Mechanical Keyboard', 'Tenkeyless, tactile switches, USB-C.', 8900],
  ['Wireless Mouse', 'Quiet clicks, two-year battery.', 2900],
  ['USB-C Cable, 2 m', 'Braided cable, 100 W charging.', 1300],
  ['Monitor Light Bar', 'Clip-on light that does not glare on the screen.', 5900],
  ['Noise-Cancelling Headphones', 'Over-ear, 30 hours of battery.', 19900],
  ['Backpack, 20 l', 'Water-resistant with a laptop sleeve.', 7500],
  ['Water Bottle', 'Steel bottle, 750 ml, keeps cold for 24 hours.', 2500],
  ['Wool Socks', 'Merino wool, pair, sizes 39 to 46.', 1800],
  ['Rain Jacket', 'Lightweight and packable, unisex.', 8900],
  ['Sunglasses', 'Polarised lenses, UV400.', 4500],
  ['Yoga Mat', 'Non-slip natural rubber, 4 mm.', 5500],
  ['Houseplant: Pothos', 'Easy-going trailing plant in a 12 cm pot.', 1900],
  ['Plant Mister', 'Brass mister, 250 ml.', 1600],
  ['Scented Candle', 'Soy wax, cedar and fig, 40 hours.', 2200],
];

const SEEDED_AT = new Date('2026-11-30T00:00:00.000Z');
// UUIDv7 layout with the seed time as prefix and a counter as tail: fixed ids that list before newer products.
const idOf = (i: number) => `01a229c0-5400-7000-8000-${(i + 1).toString(16).padStart(12, '0')}`;

/** A few dozen products so a fresh database has something to browse and put in a cart. */
export class Migration20261130010000_products_seed extends Migration {
  override up(): void {
    const rows = CATALOGUE.map(([name, description, priceCents], i) => ({
      id: idOf(i),
      name,
      name_key: name.toLowerCase(),
      description,
      price_cents: priceCents,
      currency: 'EUR',
      created_at: SEEDED_AT,
      updated_at: SEEDED_AT,
    }));
    // A query builder, not text: the driver writes each Date the way its database stores them.
    this.addSql(this.getKnex()('products').insert(rows));
  }

  override down(): void {
    this.addSql(this.getKnex()('products').whereIn('id', CATALOGUE.map((_, i) => idOf(i))).delete());
  }
}

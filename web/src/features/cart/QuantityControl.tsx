import { useEffect, useState } from 'react';
import { Button } from '../../components/Button';

interface Props {
  id: string;
  productName: string;
  quantity: number;
  onChange(quantity: number): void;
}

/** − / number / +. Typing commits on Enter or when leaving the field, so "12" is one change, not "1" then "12". */
export function QuantityControl({ id, productName, quantity, onChange }: Props) {
  const [text, setText] = useState(String(quantity));
  useEffect(() => setText(String(quantity)), [quantity]);
  const commit = () => {
    const next = Number(text);
    if (Number.isInteger(next) && next >= 1 && next <= 99 && next !== quantity) onChange(next);
    else setText(String(quantity));
  };
  return (
    <span className="quantity-control">
      <Button onClick={() => onChange(quantity - 1)} disabled={quantity <= 1} aria-label={`One fewer ${productName}`}>
        −
      </Button>
      <label className="visually-hidden" htmlFor={id}>
        Quantity of {productName}
      </label>
      <input
        id={id}
        className="quantity"
        type="number"
        inputMode="numeric"
        min={1}
        max={99}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onBlur={commit}
        onKeyDown={(event) => {
          if (event.key === 'Enter') commit();
        }}
      />
      <Button onClick={() => onChange(quantity + 1)} disabled={quantity >= 99} aria-label={`One more ${productName}`}>
        +
      </Button>
    </span>
  );
}

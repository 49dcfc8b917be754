import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Alert } from '../../components/Alert';
import { Button } from '../../components/Button';
import { Field } from '../../components/Field';
import { graphql } from '../../gql';
import { describeError } from '../../lib/errors';

const CreateProductDocument = graphql(`
  mutation CreateProduct($input: ProductInput!) {
    createProduct(input: $input) {
      id
      name
    }
  }
`);

/** Whether the viewer may write products: the form shows only then (the server checks again). */
const ProductPermissionDocument = graphql(`
  query ProductPermission {
    me {
      id
      permissions
    }
  }
`);

/** For those allowed to (products:write, e.g. administrators): adds a product to the catalogue (so a fresh installation has something to shop). */
export function NewProductForm() {
  const { data: viewer } = useQuery(ProductPermissionDocument);
  const [create, { loading }] = useMutation(CreateProductDocument, { refetchQueries: ['Products'] });
  const [message, setMessage] = useState<{ kind: 'error' | 'notice'; text: string } | null>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const price = Number(String(form.get('price')).replace(',', '.'));
    if (!Number.isFinite(price) || price < 0) {
      setMessage({ kind: 'error', text: 'Enter the price as a number, e.g. 19.99.' });
      return;
    }
    try {
      const { data } = await create({
        variables: { input: { name: String(form.get('name')), description: String(form.get('description') ?? ''), priceCents: Math.round(price * 100), currency: String(form.get('currency') || 'EUR') } },
      });
      formEl.reset();
      setMessage({ kind: 'notice', text: `Added “${data?.createProduct.name}”.` });
    } catch (error) {
      setMessage({ kind: 'error', text: describeError(error).message });
    }
  };
  if (!viewer?.me.permissions.includes('products:write')) return null;
  return (
    <details className="admin-panel">
      <summary>Add a product</summary>
      <form onSubmit={onSubmit} aria-label="Add a product">
        {message && <Alert kind={message.kind}>{message.text}</Alert>}
        <Field label="Name" name="name" required maxLength={200} />
        <Field label="Description" name="description" maxLength={2000} />
        <Field label="Price" name="price" inputMode="decimal" required hint="In the currency below, e.g. 19.99." />
        <Field label="Currency" name="currency" defaultValue="EUR" maxLength={3} minLength={3} hint="A three-letter code such as EUR or USD." />
        <Button type="submit" busy={loading} busyLabel="Adding…">
          Add product
        </Button>
      </form>
    </details>
  );
}

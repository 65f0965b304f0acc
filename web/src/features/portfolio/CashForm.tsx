import { type FormEvent, useState } from "react";
import { Field, FormError } from "../../components/ui/Field";
import { useDepositMutation, useWithdrawMutation } from "../../gql/graphql";
import { formatMoney, isDecimal } from "../../lib/decimal";
import { errorMessage } from "../../lib/errors";
import { toast } from "../../lib/toast";

export function CashForm({ portfolioId, availableCash, currency, onDone }: { portfolioId: string; availableCash: string; currency: string; onDone: () => void }) {
  const [deposit, depositState] = useDepositMutation();
  const [withdraw, withdrawState] = useWithdrawMutation();
  const [amount, setAmount] = useState("");
  const [error, setError] = useState<string | null>(null);
  const busy = depositState.loading || withdrawState.loading;
  const invalid = amount !== "" && !isDecimal(amount) ? "Enter an amount such as 1000 or 250.50" : null;

  async function run(kind: "deposit" | "withdraw", event?: FormEvent) {
    event?.preventDefault();
    if (!amount || invalid) return;
    setError(null);
    try {
      const variables = { portfolioId, amount: amount.trim() };
      if (kind === "deposit") await deposit({ variables });
      else await withdraw({ variables });
      toast("success", kind === "deposit" ? "Deposit booked" : "Withdrawal booked", `${formatMoney(amount)} ${currency}`);
      setAmount("");
      onDone();
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  return (
    <form className="stack" onSubmit={(event) => void run("deposit", event)}>
      <p className="muted">
        Available: <span data-testid="available-cash">{formatMoney(availableCash)}</span> {currency}
      </p>
      <Field label={`Amount (${currency})`} name="amount" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} error={invalid} />
      <FormError message={error} />
      <div className="row">
        <button type="submit" className="primary" disabled={busy || !amount || !!invalid}>
          Deposit
        </button>
        <button type="button" disabled={busy || !amount || !!invalid} onClick={() => void run("withdraw")}>
          Withdraw
        </button>
      </div>
    </form>
  );
}

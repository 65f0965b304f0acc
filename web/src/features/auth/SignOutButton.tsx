import { useNavigate } from "react-router";
import { useLogoutMutation } from "../../gql/graphql";
import { currentSession, signOut as endSession } from "../../lib/session";

/** Revokes the session on the server (refresh token and the access token in use), then forgets it here. */
export function SignOutButton() {
  const navigate = useNavigate();
  const [logout, { loading }] = useLogoutMutation();
  async function signOut() {
    try {
      await logout({ variables: { refreshToken: currentSession()?.refreshToken } });
    } catch {
      // Signed out locally either way; an unreachable server cannot keep someone signed in here.
    }
    endSession();
    void navigate("/login", { replace: true });
  }
  return (
    <button type="button" onClick={() => void signOut()} disabled={loading}>
      Sign out
    </button>
  );
}

// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IAssetToken
/// @notice An ERC-20 that represents a real-world asset: minted and burnt by the issuer's roles,
/// pausable, with a transfer fee in basis points paid to a treasury.
/// @dev The fee is taken out of the transferred amount: the sender's balance falls by `value`,
/// the recipient receives `value - fee`, the treasury receives `fee`. Mint and burn never pay a
/// fee, and a transfer from or to a fee-exempt account pays none either.
interface IAssetToken is IERC20 {
    /// @notice The transfer fee was changed.
    event AssetTransferFeeSet(uint256 previousBps, uint256 newBps);

    /// @notice The account that receives transfer fees was changed.
    event AssetTreasurySet(address indexed previousTreasury, address indexed newTreasury);

    /// @notice An account was made fee-exempt, or no longer is.
    event AssetFeeExemptionSet(address indexed account, bool exempt);

    /// @notice A fee above the token's hard cap was asked for.
    /// @param bps The fee that was asked for.
    /// @param maxBps The hard cap, {MAX_TRANSFER_FEE_BPS}.
    error AssetFeeTooHigh(uint256 bps, uint256 maxBps);

    /// @notice The zero address was given where an account is required (treasury).
    error AssetZeroAddress();

    /// @notice Hard cap on the transfer fee, in basis points; no role can set more.
    function MAX_TRANSFER_FEE_BPS() external view returns (uint256);

    /// @notice Role that may mint.
    function MINTER_ROLE() external view returns (bytes32);

    /// @notice Role that may burn its own tokens, or a holder's within the allowance the holder
    /// gave it (redemption of the underlying asset).
    function BURNER_ROLE() external view returns (bytes32);

    /// @notice Role that may pause and unpause every balance change.
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice Role that sets the fee, the treasury and fee exemptions.
    function FEE_MANAGER_ROLE() external view returns (bytes32);

    /// @notice Seconds between beginning a hand-over of the admin role and its acceptance.
    function ADMIN_TRANSFER_DELAY() external view returns (uint48);

    /// @notice The current transfer fee in basis points.
    function transferFeeBps() external view returns (uint256);

    /// @notice The account that receives transfer fees.
    function treasury() external view returns (address);

    /// @notice Whether transfers from or to `account` are free of the fee.
    function isFeeExempt(address account) external view returns (bool);

    /// @notice The fee a transfer of `value` from `from` to `to` would pay now, rounded down.
    function feeFor(address from, address to, uint256 value) external view returns (uint256);

    /// @notice Creates `amount` tokens for `to`; no fee. Requires MINTER_ROLE; reverts while paused.
    function mint(address to, uint256 amount) external;

    /// @notice Destroys `amount` of `from`'s tokens, as when the issuer redeems the underlying
    /// asset; no fee. Spends `from`'s allowance to the caller unless `from` is the caller, so
    /// tokens held in escrow by a contract cannot be burnt. Requires BURNER_ROLE; reverts while
    /// paused.
    function burn(address from, uint256 amount) external;

    /// @notice Stops every transfer, mint and burn. Requires PAUSER_ROLE.
    function pause() external;

    /// @notice Resumes transfers, mints and burns. Requires PAUSER_ROLE.
    function unpause() external;

    /// @notice Sets the transfer fee. Requires FEE_MANAGER_ROLE; at most {MAX_TRANSFER_FEE_BPS}.
    function setTransferFee(uint256 bps) external;

    /// @notice Sets the account that receives fees. Requires FEE_MANAGER_ROLE; not zero.
    function setTreasury(address newTreasury) external;

    /// @notice Exempts `account` from the fee, or removes the exemption. Requires FEE_MANAGER_ROLE.
    function setFeeExempt(address account, bool exempt) external;
}

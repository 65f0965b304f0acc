// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IYieldSource
/// @notice A reservoir that pays a fixed yield rate to the strategies it funds: the
/// deterministic "market" the demo strategy earns from. Someone funds it with the asset.
interface IYieldSource {
    /// @notice `amount` of yield was paid to `to`.
    event YieldPaid(address indexed to, uint256 amount);

    /// @notice A strategy was allowed (or no longer allowed) to draw yield.
    event YieldBeneficiarySet(address indexed beneficiary, bool allowed);

    /// @notice `caller` may not draw yield.
    error YieldSourceNotBeneficiary(address caller);

    /// @notice The asset paid out.
    function asset() external view returns (address);

    /// @notice Yield rate in basis points per year, simple interest.
    function rateBps() external view returns (uint256);

    /// @notice Assets available to pay yield.
    function available() external view returns (uint256);

    /// @notice Whether `account` may draw yield.
    function isBeneficiary(address account) external view returns (bool);

    /// @notice Allows or disallows a strategy to draw yield. Owner only.
    function setBeneficiary(address beneficiary, bool allowed) external;

    /// @notice Pays up to `amount` to the caller, limited by {available}. Beneficiaries only.
    /// @return paid What was paid.
    function pay(uint256 amount) external returns (uint256 paid);
}

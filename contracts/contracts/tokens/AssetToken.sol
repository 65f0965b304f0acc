// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Pausable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Pausable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IAssetToken} from "../interfaces/IAssetToken.sol";
import {BasisPoints} from "../libraries/BasisPoints.sol";

/// @title AssetToken
/// @notice A tokenized real-world asset with an issuer-controlled supply and a capped transfer fee.
/// @dev The admin role follows OpenZeppelin's default-admin rules: one holder, handed over in
/// two steps (begin, then accept after {ADMIN_TRANSFER_DELAY}). The operational roles are
/// separate and can be given to separate accounts; the admin holds them at deployment only so a
/// deployment can bootstrap, and may grant them away and renounce them.
contract AssetToken is IAssetToken, ERC20, ERC20Pausable, ERC20Permit, AccessControlDefaultAdminRules {
    /// @inheritdoc IAssetToken
    uint256 public constant MAX_TRANSFER_FEE_BPS = 500;
    /// @inheritdoc IAssetToken
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @inheritdoc IAssetToken
    bytes32 public constant BURNER_ROLE = keccak256("BURNER_ROLE");
    /// @inheritdoc IAssetToken
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IAssetToken
    bytes32 public constant FEE_MANAGER_ROLE = keccak256("FEE_MANAGER_ROLE");
    /// @inheritdoc IAssetToken
    uint48 public constant ADMIN_TRANSFER_DELAY = 2 days;

    uint8 private immutable _decimals;
    uint256 private _transferFeeBps;
    address private _treasury;
    mapping(address account => bool) private _feeExempt;

    /// @param name_ ERC-20 name, also the EIP-712 domain name for permits.
    /// @param symbol_ ERC-20 symbol.
    /// @param decimals_ Display decimals (18 for most assets, 6 for a dollar token).
    /// @param admin Receives DEFAULT_ADMIN_ROLE (two-step transfer) and, to bootstrap, every
    /// operational role. Zero reverts with AccessControlInvalidDefaultAdmin.
    /// @param treasury_ Receives transfer fees.
    /// @param feeBps Initial transfer fee, at most {MAX_TRANSFER_FEE_BPS}.
    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        address admin,
        address treasury_,
        uint256 feeBps
    ) ERC20(name_, symbol_) ERC20Permit(name_) AccessControlDefaultAdminRules(ADMIN_TRANSFER_DELAY, admin) {
        _decimals = decimals_;
        _grantRole(MINTER_ROLE, admin);
        _grantRole(BURNER_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(FEE_MANAGER_ROLE, admin);
        _setTreasury(treasury_);
        _setTransferFee(feeBps);
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc IAssetToken
    function transferFeeBps() external view returns (uint256) {
        return _transferFeeBps;
    }

    /// @inheritdoc IAssetToken
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IAssetToken
    function isFeeExempt(address account) external view returns (bool) {
        return _feeExempt[account];
    }

    /// @inheritdoc IAssetToken
    function feeFor(address from, address to, uint256 value) public view returns (uint256) {
        if (from == address(0) || to == address(0) || _feeExempt[from] || _feeExempt[to]) return 0;
        return BasisPoints.mulBpsDown(value, _transferFeeBps);
    }

    /// @inheritdoc IAssetToken
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @inheritdoc IAssetToken
    function burn(address from, uint256 amount) external onlyRole(BURNER_ROLE) {
        // The holder's consent, as an allowance, unless the burner burns its own: a burner can
        // never take tokens a contract holds for others (an exchange's escrow, a vault).
        if (from != _msgSender()) _spendAllowance(from, _msgSender(), amount);
        _burn(from, amount);
    }

    /// @inheritdoc IAssetToken
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IAssetToken
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    /// @inheritdoc IAssetToken
    function setTransferFee(uint256 bps) external onlyRole(FEE_MANAGER_ROLE) {
        _setTransferFee(bps);
    }

    /// @inheritdoc IAssetToken
    function setTreasury(address newTreasury) external onlyRole(FEE_MANAGER_ROLE) {
        _setTreasury(newTreasury);
    }

    /// @inheritdoc IAssetToken
    function setFeeExempt(address account, bool exempt) external onlyRole(FEE_MANAGER_ROLE) {
        _feeExempt[account] = exempt;
        emit AssetFeeExemptionSet(account, exempt);
    }

    /// @dev Every balance change passes here (ERC20Pausable blocks it while paused). A charged
    /// transfer is two movements out of the sender's balance, so the sender loses exactly
    /// `value` and no wei is created: `fee + rest == value` (BasisPoints.split, fee rounded down).
    /// A charged transfer above the balance is refused up front with the whole amount, as an
    /// uncharged one is by ERC20.
    function _update(address from, address to, uint256 value) internal override(ERC20, ERC20Pausable) {
        uint256 fee = feeFor(from, to, value);
        if (fee == 0) {
            super._update(from, to, value);
            return;
        }
        uint256 balance = balanceOf(from);
        if (balance < value) revert ERC20InsufficientBalance(from, balance, value);
        (, uint256 rest) = BasisPoints.split(value, _transferFeeBps);
        super._update(from, _treasury, fee);
        super._update(from, to, rest);
    }

    function _setTransferFee(uint256 bps) private {
        if (bps > MAX_TRANSFER_FEE_BPS) revert AssetFeeTooHigh(bps, MAX_TRANSFER_FEE_BPS);
        uint256 previous = _transferFeeBps;
        _transferFeeBps = bps;
        emit AssetTransferFeeSet(previous, bps);
    }

    function _setTreasury(address newTreasury) private {
        if (newTreasury == address(0)) revert AssetZeroAddress();
        address previous = _treasury;
        _treasury = newTreasury;
        emit AssetTreasurySet(previous, newTreasury);
    }
}

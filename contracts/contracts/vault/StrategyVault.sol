// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC4626} from "@openzeppelin/contracts/interfaces/IERC4626.sol";
import {ERC4626} from "@openzeppelin/contracts/token/ERC20/extensions/ERC4626.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IStrategy} from "../interfaces/IStrategy.sol";
import {IStrategyVault} from "../interfaces/IStrategyVault.sol";
import {BasisPoints} from "../libraries/BasisPoints.sol";
import {YieldMath} from "../libraries/YieldMath.sol";

/// @title StrategyVault
/// @notice ERC-4626 vault whose assets sit in a strategy; see {IStrategyVault}.
/// @dev Rounding is OpenZeppelin's ERC-4626, as the standard asks: in the vault's favour
/// (shares issued and assets paid round down; shares burnt and assets charged round up). The
/// inflation ("donation") attack is met by OpenZeppelin's virtual shares and assets with a
/// decimals offset of {DECIMALS_OFFSET}: shares carry 6 more decimals than the asset, so an
/// attacker must donate about 10^6 times what they hope to steal, and loses most of it.
///
/// Harvested profit is locked and released linearly over `profitUnlockTime` (as Yearn v3
/// does): realised yield would otherwise lift the share price in one step that anyone could
/// capture by depositing just before `harvest` and withdrawing just after.
///
/// The asset must not charge a transfer fee on the vault's and strategy's transfers (exempt
/// them): ERC-4626 prices deposits by the nominal amount.
contract StrategyVault is IStrategyVault, ERC4626, Ownable2Step {
    using SafeERC20 for IERC20;

    /// @notice Shares have this many more decimals than the asset (inflation-attack defence).
    uint8 public constant DECIMALS_OFFSET = 6;
    /// @inheritdoc IStrategyVault
    uint256 public constant MAX_PERFORMANCE_FEE_BPS = 2_000;
    /// @inheritdoc IStrategyVault
    uint256 public constant MAX_PROFIT_UNLOCK_TIME = 365 days;

    IStrategy private _strategy;
    uint256 private _performanceFeeBps;
    address private _treasury;
    mapping(address owner => uint256) private _principal;
    uint256 private _lockedProfit; // as of _lockedAt
    uint64 private _lockedAt;
    uint64 private _profitUnlockTime;

    constructor(
        IERC20 asset_,
        string memory name_,
        string memory symbol_,
        address owner_,
        address treasury_,
        uint256 performanceFeeBps_,
        uint256 profitUnlockTime_
    ) ERC20(name_, symbol_) ERC4626(asset_) Ownable(owner_) {
        _setTreasury(treasury_);
        _setPerformanceFee(performanceFeeBps_);
        _setProfitUnlockTime(profitUnlockTime_);
    }

    /// @inheritdoc IStrategyVault
    function strategy() external view returns (IStrategy) {
        return _strategy;
    }

    /// @inheritdoc IStrategyVault
    function performanceFeeBps() external view returns (uint256) {
        return _performanceFeeBps;
    }

    /// @inheritdoc IStrategyVault
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IStrategyVault
    function profitUnlockTime() external view returns (uint256) {
        return _profitUnlockTime;
    }

    /// @inheritdoc IStrategyVault
    function lockedProfit() public view returns (uint256) {
        return YieldMath.stillLocked(_lockedProfit, block.timestamp - _lockedAt, _profitUnlockTime);
    }

    /// @inheritdoc IStrategyVault
    function principalOf(address owner) external view returns (uint256) {
        return _principal[owner];
    }

    /// @inheritdoc IStrategyVault
    function claimableYield(address owner) public view returns (uint256) {
        uint256 value = previewRedeem(balanceOf(owner));
        uint256 principal = _principal[owner];
        return value > principal ? value - principal : 0;
    }

    /// @notice Idle assets in the vault plus what the strategy holds, less the profit still
    /// locked. Unharvested yield is not counted; harvested yield enters over the unlock time.
    function totalAssets() public view override(ERC4626, IERC4626) returns (uint256) {
        IStrategy current = _strategy;
        uint256 held = IERC20(asset()).balanceOf(address(this));
        if (address(current) != address(0)) held += current.totalAssets();
        uint256 locked = lockedProfit();
        // Holders can only ever take held - locked, so locked <= held; saturate regardless.
        return held > locked ? held - locked : 0;
    }

    /// @inheritdoc IStrategyVault
    function harvest() external returns (uint256 gain) {
        IStrategy current = _strategy;
        if (address(current) == address(0)) revert VaultNoStrategy();
        gain = current.harvest();
        // Rounded down: the fee never takes more than its rate of the gain.
        uint256 fee = BasisPoints.mulBpsDown(gain, _performanceFeeBps);
        // The net gain joins what is still locked and the release restarts from now, so the
        // share price does not move at this block. Locked before the fee leaves, so no token
        // hook during that transfer sees the gain in the share price.
        uint256 locked = lockedProfit() + (gain - fee);
        _lockedProfit = locked;
        _lockedAt = uint64(block.timestamp);
        emit VaultHarvested(gain, fee, locked);
        if (fee > 0) current.withdraw(fee, _treasury);
    }

    /// @inheritdoc IStrategyVault
    function claimYield(address receiver) external returns (uint256 assets) {
        address owner = _msgSender();
        assets = claimableYield(owner);
        if (assets == 0) revert VaultNoYield(owner);
        // Rounded up as for any withdrawal; still within the owner's balance since
        // assets <= floor(balance * totalAssets / supply).
        uint256 shares = previewWithdraw(assets);
        uint256 principal = _principal[owner];
        _withdraw(owner, receiver, owner, assets, shares);
        // _withdraw moves principal out pro rata; taking yield leaves it whole.
        _principal[owner] = principal;
        emit VaultYieldClaimed(owner, receiver, assets, shares);
    }

    /// @inheritdoc IStrategyVault
    function setStrategy(IStrategy newStrategy) external onlyOwner {
        if (address(newStrategy) == address(0)) revert VaultZeroAddress();
        if (newStrategy.asset() != asset() || newStrategy.vault() != address(this)) {
            revert VaultStrategyMismatch(address(newStrategy));
        }
        IStrategy previous = _strategy;
        _strategy = newStrategy;
        emit VaultStrategySet(address(previous), address(newStrategy));
        // Unharvested yield of the previous strategy stays with it: harvest before migrating.
        if (address(previous) != address(0)) {
            uint256 held = previous.totalAssets();
            if (held > 0) previous.withdraw(held, address(this));
        }
        uint256 idle = IERC20(asset()).balanceOf(address(this));
        if (idle > 0) {
            IERC20(asset()).safeTransfer(address(newStrategy), idle);
            newStrategy.deposit(idle);
        }
    }

    /// @inheritdoc IStrategyVault
    function setPerformanceFee(uint256 bps) external onlyOwner {
        _setPerformanceFee(bps);
    }

    /// @inheritdoc IStrategyVault
    function setProfitUnlockTime(uint256 seconds_) external onlyOwner {
        _setProfitUnlockTime(seconds_);
    }

    /// @inheritdoc IStrategyVault
    function setTreasury(address newTreasury) external onlyOwner {
        _setTreasury(newTreasury);
    }

    function _decimalsOffset() internal pure override returns (uint8) {
        return DECIMALS_OFFSET;
    }

    /// @dev Deposits go straight from the depositor to the strategy: one transfer, no idle cash.
    function _transferIn(address from, uint256 assets) internal override {
        IStrategy current = _strategy;
        if (address(current) == address(0)) {
            super._transferIn(from, assets);
            return;
        }
        IERC20(asset()).safeTransferFrom(from, address(current), assets);
        current.deposit(assets);
    }

    /// @dev Pays from idle assets first (donations, a strategy-less period), then the strategy.
    function _transferOut(address to, uint256 assets) internal override {
        uint256 idle = IERC20(asset()).balanceOf(address(this));
        uint256 fromIdle = idle < assets ? idle : assets;
        if (fromIdle > 0) super._transferOut(to, fromIdle);
        if (assets > fromIdle) _strategy.withdraw(assets - fromIdle, to);
    }

    /// @dev Principal follows the assets paid in.
    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal override {
        super._deposit(caller, receiver, assets, shares);
        _principal[receiver] += assets;
    }

    /// @dev Principal leaves pro rata to the shares burnt, rounded down so a partial
    /// withdrawal never overstates the yield left (a full one takes all of it).
    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        override
    {
        uint256 principal = _principal[owner];
        _principal[owner] = principal - Math.mulDiv(principal, shares, balanceOf(owner));
        super._withdraw(caller, receiver, owner, assets, shares);
    }

    /// @dev A share transfer carries its part of the sender's principal (rounded down, the
    /// remainder staying with the sender), so the sum of principals is conserved and the
    /// receiver cannot claim the transferred principal as yield.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0) && value > 0) {
            uint256 moved = Math.mulDiv(_principal[from], value, balanceOf(from));
            _principal[from] -= moved;
            _principal[to] += moved;
        }
        super._update(from, to, value);
    }

    function _setPerformanceFee(uint256 bps) private {
        if (bps > MAX_PERFORMANCE_FEE_BPS) revert VaultFeeTooHigh(bps, MAX_PERFORMANCE_FEE_BPS);
        uint256 previous = _performanceFeeBps;
        _performanceFeeBps = bps;
        emit VaultPerformanceFeeSet(previous, bps);
    }

    function _setProfitUnlockTime(uint256 seconds_) private {
        if (seconds_ > MAX_PROFIT_UNLOCK_TIME) revert VaultUnlockTimeTooLong(seconds_, MAX_PROFIT_UNLOCK_TIME);
        // Re-anchor what is still locked so the change applies from now, never retroactively.
        _lockedProfit = lockedProfit();
        _lockedAt = uint64(block.timestamp);
        uint256 previous = _profitUnlockTime;
        _profitUnlockTime = uint64(seconds_);
        emit VaultProfitUnlockTimeSet(previous, seconds_);
    }

    function _setTreasury(address newTreasury) private {
        if (newTreasury == address(0)) revert VaultZeroAddress();
        address previous = _treasury;
        _treasury = newTreasury;
        emit VaultTreasurySet(previous, newTreasury);
    }
}

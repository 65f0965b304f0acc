// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev A test token with a blocklist, like regulated stablecoins: transfers to a blocked
/// address revert.
contract BlocklistToken is ERC20 {
    error BlocklistBlocked(address account);

    mapping(address account => bool) private _blocked;

    constructor() ERC20("Blocklist Dollar", "BUSD") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setBlocked(address account, bool blocked) external {
        _blocked[account] = blocked;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (_blocked[to]) revert BlocklistBlocked(to);
        super._update(from, to, value);
    }
}

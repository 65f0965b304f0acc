// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @dev A hostile token for tests: on each balance change it replays a stored call (e.g. into
/// the DEX) once, and bubbles up the revert, to prove the target's reentrancy guard holds.
contract ReentrantToken is ERC20 {
    address private _target;
    bytes private _payload;
    bool private _armed;

    constructor() ERC20("Reentrant", "REE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
        _armed = true;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (_armed) {
            _armed = false;
            (bool ok, bytes memory reason) = _target.call(_payload);
            if (!ok) {
                assembly ("memory-safe") {
                    revert(add(reason, 32), mload(reason))
                }
            }
        }
    }
}

package io.backchannel.gateway.rest;

import io.backchannel.api.Limits;
import io.backchannel.api.account.SignUpCommand;
import io.backchannel.gateway.bus.AxonClient;
import io.backchannel.gateway.security.Caller;
import io.backchannel.gateway.security.TokenIssuer;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

@RestController
class AuthController {

    private final AxonClient axon;
    private final TokenIssuer tokens;
    private final IdGenerator ids;

    AuthController(AxonClient axon, TokenIssuer tokens, IdGenerator ids) {
        this.axon = axon;
        this.tokens = tokens;
        this.ids = ids;
    }

    record SignUp(String username, String displayName) {
    }

    record Account(String userId, String username, String displayName, String token) {
    }

    @PostMapping("/api/auth/signup")
    @ResponseStatus(HttpStatus.CREATED)
    Mono<Account> signUp(@RequestBody SignUp request) {
        Limits.requireUsername(request.username());
        Limits.requireDisplayName(request.displayName());
        Caller caller = new Caller(ids.next('U'), request.username(), request.displayName());
        return axon.send(new SignUpCommand(caller.username(), caller.userId(), caller.displayName()))
                .then(Mono.fromCallable(() -> new Account(caller.userId(), caller.username(), caller.displayName(),
                        tokens.issue(caller))));
    }
}

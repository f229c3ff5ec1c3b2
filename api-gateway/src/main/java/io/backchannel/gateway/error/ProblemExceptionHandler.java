package io.backchannel.gateway.error;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.backchannel.api.RejectedException;
import io.backchannel.gateway.messaging.SendUnconfirmedException;
import io.backchannel.gateway.ratelimit.RateLimitedException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.annotation.Order;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.support.WebExchangeBindException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

import java.util.stream.Collectors;

/**
 * Every error that leaves the gateway becomes a problem detail here, whichever layer raised it, so a
 * client never sees a stack trace, an HTML page or a dropped connection. Runs before Spring Boot's handler.
 */
@Component
@Order(-2)
public class ProblemExceptionHandler implements WebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

    private final Problems problems;

    ProblemExceptionHandler(Problems problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (!exchange.getResponse().isCommitted()) {
            if (error instanceof RateLimitedException limited) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(limited.retryAfterSeconds()));
            } else if (error instanceof SendUnconfirmedException) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, "1");
            }
        }
        return problems.write(exchange, toProblem(error));
    }

    static ProblemDetail toProblem(Throwable error) {
        if (error instanceof RejectedException rejected) {
            return Problems.of(switch (rejected.rejection().kind()) {
                case INVALID -> HttpStatus.BAD_REQUEST;
                case FORBIDDEN -> HttpStatus.FORBIDDEN;
                case NOT_FOUND -> HttpStatus.NOT_FOUND;
                case CONFLICT -> HttpStatus.CONFLICT;
            }, rejected.getMessage());
        }
        if (error instanceof RateLimitedException limited) {
            return Problems.of(HttpStatus.TOO_MANY_REQUESTS, limited.getMessage());
        }
        if (error instanceof SendUnconfirmedException unconfirmed) {
            return Problems.of(HttpStatus.SERVICE_UNAVAILABLE, unconfirmed.getMessage());
        }
        if (causedBy(error, DataBufferLimitException.class)) {
            return Problems.of(HttpStatus.PAYLOAD_TOO_LARGE, "the request body is over the 64 KiB limit");
        }
        if (error instanceof WebExchangeBindException bind) {
            return Problems.of(HttpStatus.BAD_REQUEST, bind.getFieldErrors().stream()
                    .map(field -> field.getField() + ": " + field.getDefaultMessage())
                    .collect(Collectors.joining("; ")));
        }
        if (error instanceof ServerWebInputException input) {
            return Problems.of(HttpStatus.BAD_REQUEST, describeInput(input));
        }
        if (error instanceof ResponseStatusException status) {
            HttpStatus code = HttpStatus.valueOf(status.getStatusCode().value());
            return Problems.of(code, status.getReason() != null ? status.getReason() : code.getReasonPhrase());
        }
        if (error instanceof AuthenticationException) {
            return Problems.of(HttpStatus.UNAUTHORIZED, "a valid bearer token is required");
        }
        if (error instanceof AccessDeniedException) {
            return Problems.of(HttpStatus.FORBIDDEN, "you may not do this");
        }
        if (causedBy(error, ConcurrencyException.class)) {
            return Problems.of(HttpStatus.CONFLICT, "a concurrent change got there first; retry the request");
        }
        log.error("unexpected error", error);
        return Problems.of(HttpStatus.INTERNAL_SERVER_ERROR, "an internal error occurred");
    }

    /** A detail a person can act on: which field, and what was wrong with it. */
    private static String describeInput(ServerWebInputException input) {
        Throwable cause = input.getCause() instanceof DecodingException decoding ? decoding.getCause() : input.getCause();
        if (cause instanceof TypeMismatchException && input.getMethodParameter() != null) {
            return "'" + input.getMethodParameter().getParameterName() + "' has the wrong type (expected "
                    + input.getMethodParameter().getParameterType().getSimpleName() + ")";
        }
        if (cause instanceof StreamConstraintsException) {
            return "the JSON body is nested too deeply";
        }
        if (cause instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = mismatch.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return "field '" + field + "' has the wrong type or shape";
        }
        if (cause instanceof JsonParseException || cause instanceof JsonMappingException) {
            return "the body is not valid JSON of the expected shape";
        }
        return input.getReason() != null ? input.getReason() : "bad request";
    }

    private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}

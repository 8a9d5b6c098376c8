package io.github.natsspring.sample.billing.web;

import java.util.List;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.github.natsspring.sample.billing.activity.RecentActivity;

/**
 * The latest invoice events, newest first: {@code curl localhost:8080/activity}.
 */
@RestController
class ActivityController {

	private final RecentActivity activity;

	ActivityController(RecentActivity activity) {
		this.activity = activity;
	}

	@GetMapping("/activity")
	List<String> activity() {
		return this.activity.latest();
	}

}

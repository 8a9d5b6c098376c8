package io.github.natsspring.client;

import java.beans.Introspector;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.annotation.AnnotatedBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.ResourceLoaderAware;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * Registers a {@link NatsClientFactoryBean} for every interface that {@link ImportNatsClients} lists or finds.
 * Only bean definitions are registered here; the proxies are built (and their methods checked) when the beans are
 * created.
 */
class NatsClientsRegistrar implements ImportBeanDefinitionRegistrar, EnvironmentAware, ResourceLoaderAware {

	private Environment environment;

	private ResourceLoader resourceLoader;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void setResourceLoader(ResourceLoader resourceLoader) {
		this.resourceLoader = resourceLoader;
	}

	@Override
	public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
		Set<String> interfaces = new LinkedHashSet<>();
		// class values as names: the annotations may come from ASM metadata, with classes not loaded yet
		for (AnnotationAttributes annotation : metadata.getMergedRepeatableAnnotationAttributes(
				ImportNatsClients.class, ImportNatsClients.Container.class, true)) {
			interfaces.addAll(clientInterfaces(annotation, metadata));
		}
		ClassLoader classLoader = (this.resourceLoader != null) ? this.resourceLoader.getClassLoader()
				: ClassUtils.getDefaultClassLoader();
		for (String name : interfaces) {
			Class<?> type = ClassUtils.resolveClassName(name, classLoader);
			if (!type.isInterface() || type.isAnnotation()) {
				throw new InvalidNatsClientException("@ImportNatsClients on " + metadata.getClassName() + " lists "
						+ type.getName() + ", which is not an interface; a NATS client is an interface");
			}
			register(type, registry);
		}
	}

	private Set<String> clientInterfaces(AnnotationAttributes annotation, AnnotationMetadata metadata) {
		Set<String> names = new LinkedHashSet<>(Arrays.asList(annotation.getStringArray("types")));
		Set<String> packages = new LinkedHashSet<>(Arrays.asList(annotation.getStringArray("basePackages")));
		for (String type : annotation.getStringArray("basePackageClasses")) {
			packages.add(ClassUtils.getPackageName(type));
		}
		if (names.isEmpty() && packages.isEmpty()) {
			packages.add(ClassUtils.getPackageName(metadata.getClassName()));
		}
		ClassPathScanningCandidateComponentProvider scanner = scanner();
		for (String basePackage : packages) {
			for (BeanDefinition candidate : scanner.findCandidateComponents(basePackage)) {
				names.add(candidate.getBeanClassName());
			}
		}
		return names;
	}

	private ClassPathScanningCandidateComponentProvider scanner() {
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false,
				this.environment) {

			@Override
			protected boolean isCandidateComponent(AnnotatedBeanDefinition definition) {
				return definition.getMetadata().isInterface() && !definition.getMetadata().isAnnotation()
						&& definition.getMetadata().isIndependent();
			}

		};
		scanner.addIncludeFilter(new AnnotationTypeFilter(NatsExchange.class));
		if (this.resourceLoader != null) {
			scanner.setResourceLoader(this.resourceLoader);
		}
		return scanner;
	}

	private static void register(Class<?> type, BeanDefinitionRegistry registry) {
		String name = Introspector.decapitalize(ClassUtils.getShortName(type));
		if (registry.containsBeanDefinition(name)) {
			if (isClientOf(registry.getBeanDefinition(name), type)) {
				return; // imported twice
			}
			name = type.getName();
			if (registry.containsBeanDefinition(name)) {
				return;
			}
		}
		RootBeanDefinition definition = new RootBeanDefinition(NatsClientFactoryBean.class);
		definition.setTargetType(ResolvableType.forClassWithGenerics(NatsClientFactoryBean.class, type));
		definition.getConstructorArgumentValues().addIndexedArgumentValue(0, type);
		registry.registerBeanDefinition(name, definition);
	}

	private static boolean isClientOf(BeanDefinition definition, Class<?> type) {
		return NatsClientFactoryBean.class.getName().equals(definition.getBeanClassName())
				&& definition.getConstructorArgumentValues().getArgumentValue(0, Class.class) != null
				&& type.equals(definition.getConstructorArgumentValues().getArgumentValue(0, Class.class).getValue());
	}

}
